// Suggestions as one types (/search/suggest): names, acronyms and codes, close spellings too. In the site's
// search box, choosing one opens its page; in a question's parameter (data-suggest), it fills in the name.
// Without JavaScript both still work (/search, and names are read by the server).
(function () {
  if (!window.fetch) return;
  function suggest(input, list, open) {
    let pages = new Map();
    let timer = null;
    let asked = "";
    input.addEventListener("input", function () {
      const text = input.value.trim();
      if (open && pages.has(text)) { window.location.href = pages.get(text); return; }  // a suggestion was chosen
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
              option.value = open ? item.label + " (" + item.kind + ")" : item.label;
              if (!open) option.label = item.kind;
              pages.set(option.value, item.href);
              return option;
            }));
          })
          .catch(function () {});
      }, 150);
    });
  }
  const box = document.getElementById("site-search");
  const boxList = document.getElementById("site-search-suggestions");
  if (box && boxList) suggest(box, boxList, true);
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    const list = document.getElementById(input.dataset.suggest);
    if (list) suggest(input, list, false);
  });
})();
