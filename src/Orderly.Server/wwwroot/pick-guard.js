// Search-as-you-type pickers (a [data-pick] wrapper around a MudAutocomplete): Enter or Tab pressed right after
// typing picks from the list of a moment ago, or from no list at all (typing "京城" + Enter chose C1001; an SKU +
// fast Tab left the product empty). Such a key is held until the list answers for the text in the box (its items
// carry data-search-for), then passed on; after 3 s it is passed on anyway.
(() => {
    const maxWait = 3000;
    let pending = null;
    let replaying = false;

    const pickerOf = target => target instanceof HTMLInputElement ? target.closest("[data-pick]") : null;

    function answered(picker, input) {
        const text = input.value;
        if (text.trim() === "" || text === (picker.dataset.pickSelected || "")) {
            return true;
        }
        const marks = document.querySelectorAll(".mud-popover-open [data-search-for]");
        return marks.length > 0 && [...marks].every(m => m.dataset.searchFor === text);
    }

    function tabbables() {
        return [...document.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])")]
            .filter(e => e.tabIndex >= 0 && e.offsetParent !== null);
    }

    function fire(input, type, key, shiftKey) {
        input.dispatchEvent(new KeyboardEvent(type, { key, code: key, shiftKey, bubbles: true, cancelable: true }));
    }

    function replay() {
        const { input, key, shiftKey, next } = pending;
        pending = null;
        replaying = true;
        try {
            fire(input, "keydown", key, shiftKey);
            fire(input, "keyup", key, shiftKey);
        } finally {
            replaying = false;
        }
        if (key === "Tab" && next) {
            next.focus();
        }
    }

    function wait(started) {
        if (!pending) {
            return;
        }
        const picker = pickerOf(pending.input);
        if (!picker || answered(picker, pending.input) || Date.now() - started > maxWait) {
            replay();
        } else {
            setTimeout(() => wait(started), 25);
        }
    }

    function onKey(event) {
        if (replaying || (event.key !== "Enter" && event.key !== "Tab")) {
            return;
        }
        const picker = pickerOf(event.target);
        if (!picker) {
            return;
        }
        if (event.type === "keyup") {
            if (pending && pending.input === event.target) {
                event.stopImmediatePropagation();
                event.preventDefault();
            }
            return;
        }
        if (pending || answered(picker, event.target)) {
            if (pending) {
                event.stopImmediatePropagation();
                event.preventDefault();
            }
            return;
        }
        event.stopImmediatePropagation();
        event.preventDefault();
        let next = null;
        if (event.key === "Tab") {
            const all = tabbables();
            const at = all.indexOf(event.target);
            next = at < 0 ? null : all[at + (event.shiftKey ? -1 : 1)] || null;
        }
        pending = { input: event.target, key: event.key, shiftKey: event.shiftKey, next };
        wait(Date.now());
    }

    window.addEventListener("keydown", onKey, true);
    window.addEventListener("keyup", onKey, true);
    // Typing on after the key: the key belonged to the old text; forget it.
    window.addEventListener("input", event => { if (pending && pending.input === event.target) { pending = null; } }, true);
})();
