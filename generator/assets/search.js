/* Showcase search page: free text and filters together, on Pagefind's JavaScript API.

   The whole state lives in the address (?q=&themes=&sort=&page=), so a search
   can be bookmarked or shared, and Back and Forward step through it. Pagefind
   fetches only the parts of the index a query needs. Filters combine as
   readers expect: choices in different groups must all match, choices in the
   same group any of them; the number beside each choice is how many results
   ticking it would give. Results are filled in as text from a <template> in
   the page: nothing from the index is ever parsed as HTML. */

const PAGE_SIZE_DEFAULT = 20;
const TYPING_PAUSE_MS = 300;
const NEWEST = { published: "desc" };
const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

const root = document.querySelector("[data-search]");
if (root) start(root);

async function start(root) {
  const nojs = root.querySelector("[data-search-nojs]");
  const form = root.querySelector("[data-search-form]");
  let pagefind;
  let everything;
  try {
    const site = new URL(root.dataset.searchRoot || "./", location.href);
    pagefind = await import(new URL("pagefind/pagefind.js", site).href);
    await pagefind.options({ excerptLength: 30 });
    await pagefind.init();
    everything = await pagefind.filters();
  } catch (error) {
    const message = root.querySelector("[data-search-nojs-message]");
    message.textContent = "Search could not be loaded here (" + (location.protocol === "file:"
      ? "it needs the site to be served, not opened as files"
      : "the search index is missing or could not be fetched") + "). Every case study can still be found from these pages:";
    nojs.hidden = false;
    console.warn("Showcase search:", error);
    return;
  }
  nojs.hidden = true;
  form.hidden = false;
  const header = document.querySelector("[data-search-header]");
  if (header) header.hidden = true;  // this page has its own box
  new SearchPage(root, form, pagefind, everything).run(readState(location.search), "none");
}

/* ---------------------------------------------------------------- the state in the address */

function facetNames(form) {
  return [...form.querySelectorAll("[data-search-facet]")].map((fieldset) => fieldset.dataset.searchFacet);
}

function readState(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const [name, value] of params) {
    if (name === "q" || name === "sort" || name === "page") continue;
    (filters[name] = filters[name] || []).push(value);
  }
  const page = Number.parseInt(params.get("page") || "1", 10);
  return {
    q: params.get("q") || "",
    filters,
    sort: params.get("sort") === "newest" ? "newest" : "",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

function stateUrl(state, names) {
  const params = new URLSearchParams();
  if (state.q.trim()) params.set("q", state.q.trim());
  for (const name of names) for (const value of state.filters[name] || []) params.append(name, value);
  if (state.sort) params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  const query = params.toString();
  return location.pathname + (query ? "?" + query : "");
}

/* ---------------------------------------------------------------- the page */

class SearchPage {
  constructor(root, form, pagefind, everything) {
    this.root = root;
    this.form = form;
    this.pagefind = pagefind;
    this.everything = everything;  // counts over the whole index, for the empty search
    this.names = facetNames(form);
    this.pageSize = Number.parseInt(root.dataset.searchPageSize, 10) || PAGE_SIZE_DEFAULT;
    this.input = form.querySelector("input[name=q]");
    this.sort = form.querySelector("select[name=sort]");
    this.status = root.querySelector("[data-search-status]");
    this.list = root.querySelector("[data-search-results]");
    this.pages = root.querySelector("[data-search-pages]");
    this.pageList = root.querySelector("[data-search-page-list]");
    this.heading = root.querySelector("#sc-search-results-title");
    this.filtersBox = root.querySelector("[data-search-filters]");
    this.chosen = root.querySelector("[data-search-chosen]");
    this.resultTemplate = root.querySelector("[data-search-result-template]");
    this.pageTemplate = root.querySelector("[data-search-page-template]");
    this.ticket = 0;
    this.typing = false;  // while typing, the address is replaced rather than added to
    this.timer = null;
    this.listen();
    this.fitFilters();
  }

  listen() {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearTimeout(this.timer);
      this.change({ q: this.input.value, page: 1 }, this.typing ? "replace" : "push");
      this.typing = false;
    });
    this.input.addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.change({ q: this.input.value, page: 1 }, this.typing ? "replace" : "push");
        this.typing = true;
      }, TYPING_PAUSE_MS);
    });
    this.form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.type === "checkbox") this.change({ filters: this.chosenFilters(), page: 1 }, "push");
      else if (target === this.sort) this.change({ sort: this.sort.value, page: 1 }, "push");
    });
    this.root.querySelector("[data-search-clear]").addEventListener("click", () => {
      this.change({ filters: {}, page: 1 }, "push");
    });
    this.pageList.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-page]");
      if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      this.change({ page: Number(link.dataset.page) }, "push", true);
    });
    window.addEventListener("popstate", () => {
      this.typing = false;
      this.run(readState(location.search), "none");
    });
    this.wide = window.matchMedia("(min-width: 60em)");
    this.wide.addEventListener("change", () => this.fitFilters());
  }

  fitFilters() {
    // Side by side with the results on wide screens; folded away above them on narrow ones.
    if (this.wide.matches) this.filtersBox.open = true;
  }

  chosenFilters() {
    const filters = {};
    for (const box of this.form.querySelectorAll("[data-search-facet] input[type=checkbox]:checked")) {
      (filters[box.name] = filters[box.name] || []).push(box.value);
    }
    return filters;
  }

  change(changes, history, focusResults = false) {
    const state = { ...this.state, ...changes };
    if (history === "push") window.history.pushState(null, "", stateUrl(state, this.names));
    else if (history === "replace") window.history.replaceState(null, "", stateUrl(state, this.names));
    this.run(state, "none", focusResults);
  }

  showState(state) {
    if (document.activeElement !== this.input) this.input.value = state.q;
    this.sort.value = state.sort;
    for (const box of this.form.querySelectorAll("[data-search-facet] input[type=checkbox]")) {
      box.checked = (state.filters[box.name] || []).includes(box.value);
    }
    const chosen = Object.values(state.filters).reduce((sum, values) => sum + values.length, 0);
    this.chosen.textContent = chosen ? ` (${chosen} chosen)` : "";
  }

  /* Pagefind's filter object: any of the values within a group, every group. */
  query(state, leaveOut = null) {
    const filters = {};
    for (const name of this.names) {
      const values = state.filters[name] || [];
      if (values.length && name !== leaveOut) filters[name] = { any: values };
    }
    const term = state.q.trim() || null;
    const options = { filters };
    if (state.sort === "newest" || term === null) options.sort = NEWEST;
    return [term, options];
  }

  async run(state, history, focusResults = false) {
    this.state = state;
    const ticket = ++this.ticket;
    this.showState(state);
    this.root.setAttribute("aria-busy", "true");
    const [term, options] = this.query(state);
    const found = await this.pagefind.search(term, options);
    if (term && !options.sort) await this.exactFirst(term, options, found);
    // The counts for a group with choices ignore that group's own choices.
    const counts = {};
    const chosenGroups = this.names.filter((name) => (state.filters[name] || []).length);
    for (const name of this.names) counts[name] = found.filters ? found.filters[name] : undefined;
    for (const name of chosenGroups) {
      const [otherTerm, otherOptions] = this.query(state, name);
      const others = await this.pagefind.search(otherTerm, otherOptions);
      counts[name] = others.filters ? others.filters[name] : undefined;
    }
    if (term === null && !chosenGroups.length) Object.assign(counts, this.everything);
    const total = found.results.length;
    const pageCount = Math.max(1, Math.ceil(total / this.pageSize));
    const page = Math.min(state.page, pageCount);
    const shown = found.results.slice((page - 1) * this.pageSize, page * this.pageSize);
    const data = await Promise.all(shown.map((result) => result.data()));
    if (ticket !== this.ticket) return;  // a newer search has started
    this.showCounts(counts, state);
    this.showResults(data);
    this.showPages(state, page, pageCount);
    this.status.textContent = this.describe(state, total, page, pageCount);
    this.root.removeAttribute("aria-busy");
    if (focusResults) this.heading.focus();
  }

  /* Pages with the words as one phrase (a provider's exact name, say) come
     before pages that only have the words somewhere: "HMP Eastwold" finds
     HMP Eastwold's own case first, not a page that names it among others.
     The phrase search reads the index chunks the words already fetched. */
  async exactFirst(term, options, found) {
    const words = term.split(/\s+/).filter(Boolean);
    if (words.length < 2 || term.includes('"')) return;
    const exact = await this.pagefind.search(`"${words.join(" ")}"`, options);
    if (!exact.results.length) return;
    const first = new Set(exact.results.map((result) => result.id));
    found.results = [...exact.results.filter((result) => found.results.some((r) => r.id === result.id)),
                     ...found.results.filter((result) => !first.has(result.id))];
  }

  showCounts(counts, state) {
    for (const fieldset of this.form.querySelectorAll("[data-search-facet]")) {
      const name = fieldset.dataset.searchFacet;
      const byValue = counts[name] || {};
      for (const option of fieldset.querySelectorAll(".sc-search__option")) {
        const box = option.querySelector("input");
        const count = byValue[box.value] || 0;
        option.querySelector("[data-search-count]").textContent = `(${count})`;
        box.disabled = count === 0 && !box.checked;
        option.classList.toggle("sc-search__option--none", count === 0);
      }
    }
  }

  showResults(data) {
    const items = data.map((result) => {
      const item = this.resultTemplate.content.firstElementChild.cloneNode(true);
      const meta = result.meta || {};
      const link = item.querySelector("[data-field=link]");
      link.href = result.url;
      link.textContent = meta.title || result.url;
      this.fill(item, "kind", meta.kind === "Toolkit chapter" ? meta.kind : "");
      this.fill(item, "provider", meta.provider);
      this.fill(item, "summary", meta.summary);
      this.fill(item, "themes", meta.themes);
      this.fill(item, "evidence", meta.evidence);
      this.fill(item, "published", meta.published ? DATE.format(new Date(meta.published)) : "");
      return item;
    });
    this.list.replaceChildren(...items);
  }

  fill(item, field, text) {
    const target = item.querySelector(`[data-field=${field}]`);
    const group = item.querySelector(`[data-field-group=${field}]`);
    target.textContent = text || "";
    (group || target).hidden = !text;
  }

  showPages(state, page, pageCount) {
    this.pages.hidden = pageCount < 2;
    const items = [];
    const add = (label, number, { current = false, rel = "" } = {}) => {
      const item = this.pageTemplate.content.firstElementChild.cloneNode(true);
      const link = item.querySelector("[data-field=link]");
      link.textContent = label;
      if (current) {
        link.setAttribute("aria-current", "page");
        item.classList.add("sc-search__page-item--current");
      }
      if (number === null) {
        link.removeAttribute("data-field");
        item.classList.add("sc-search__page-item--gap");
        link.replaceWith(document.createTextNode(label));
      } else {
        link.href = stateUrl({ ...state, page: number }, this.names);
        link.dataset.page = String(number);
        if (rel) link.rel = rel;
        if (label !== String(number)) link.setAttribute("aria-label", `${label} page of results: page ${number}`);
        else link.setAttribute("aria-label", `Page ${number} of ${pageCount}`);
      }
      items.push(item);
    };
    if (pageCount > 1) {
      if (page > 1) add("Previous", page - 1, { rel: "prev" });
      let last = 0;
      for (let number = 1; number <= pageCount; number++) {
        if (number === 1 || number === pageCount || Math.abs(number - page) <= 2) {
          if (number - last > 1) add("…", null);
          add(String(number), number, { current: number === page });
          last = number;
        }
      }
      if (page < pageCount) add("Next", page + 1, { rel: "next" });
    }
    this.pageList.replaceChildren(...items);
  }

  describe(state, total, page, pageCount) {
    const parts = [];
    const term = state.q.trim();
    let count = total === 0 ? "No results" : total === 1 ? "1 result" : `${total} results`;
    if (term) count += ` for “${term}”`;
    const chosen = [];
    for (const fieldset of this.form.querySelectorAll("[data-search-facet]")) {
      const values = state.filters[fieldset.dataset.searchFacet] || [];
      if (values.length) chosen.push(`${fieldset.querySelector("legend").textContent.trim()}: ${values.join(" or ")}`);
    }
    if (chosen.length) count += `, filtered by ${chosen.join("; ")}`;
    parts.push(count + ".");
    if (total === 0) {
      parts.push(chosen.length ? "Try clearing some filters." : "Try other or fewer words.");
    } else {
      if (pageCount > 1) parts.push(`Page ${page} of ${pageCount}.`);
      if (state.sort === "newest" || !term) parts.push("Newest first.");
    }
    return parts.join(" ");
  }
}
