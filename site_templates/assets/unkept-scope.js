// Material for MkDocs' bootstrap (partials/javascripts/base.html), moved out of an inline
// script so that the Content-Security-Policy forbids inline scripts. This file lives in
// assets/, so the site's root is one level up from it.
__md_scope = new URL("..", document.currentScript.src);
__md_hash = (e) => [...e].reduce((e, _) => (e << 5) - e + _.charCodeAt(0), 0);
__md_get = (e, _ = localStorage, t = __md_scope) => JSON.parse(_.getItem(t.pathname + "." + e));
__md_set = (e, _, t = localStorage, a = __md_scope) => {
  try {
    t.setItem(a.pathname + "." + e, JSON.stringify(_));
  } catch (e) {}
};
