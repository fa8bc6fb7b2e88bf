// Suggestions as one types in the site's search box (/search/suggest): names, acronyms and codes, close
// spellings too. Choosing one opens its page; without JavaScript the box still searches (/search).
(function () {
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-suggestions");
  if (!input || !list || !window.fetch) return;
  let pages = new Map();
  let timer = null;
  let asked = "";
  input.addEventListener("input", function () {
    const text = input.value.trim();
    if (pages.has(text)) { window.location.href = pages.get(text); return; }  // a suggestion was chosen
    clearTimeout(timer);
    if (text.length < 2) { list.replaceChildren(); pages = new Map(); return; }
    timer = setTimeout(function () {
      asked = text;
      fetch("/search/suggest?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (found) {
          if (asked !== text) return;  // a later keystroke asked again
          pages = new Map();
          list.replaceChildren(...found.map(function (item) {
            const option = document.createElement("option");
            const value = item.label + " (" + item.kind + ")";
            option.value = value;
            pages.set(value, item.href);
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
