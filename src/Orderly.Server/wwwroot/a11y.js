// Two accessibility repairs of what MudBlazor renders, kept up to date as pages change:
// 1. A table wider than the screen scrolls inside its container; keyboard users must be able to reach and scroll it
//    (WCAG 2.1.1, axe "scrollable-region-focusable"). Any table container that overflows becomes a focusable region
//    named after its table; one that stops overflowing leaves the tab order again.
// 2. A menu's activator is a div with role=button around the real button (axe "nested-interactive"): the inner
//    button already takes focus and its click reaches the activator, so the wrapper loses its role and tab stop.
(() => {
    const mark = () => {
        for (const activator of document.querySelectorAll(".mud-menu-activator")) {
            const inner = activator.querySelector("button, a[href]");
            if (!inner) {
                continue;
            }
            // The menu state belongs on the control that is focused and pressed.
            for (const name of ["aria-haspopup", "aria-expanded"]) {
                if (activator.hasAttribute(name)) {
                    inner.setAttribute(name, activator.getAttribute(name));
                    activator.removeAttribute(name);
                }
            }
            activator.removeAttribute("role");
            activator.removeAttribute("tabindex");
        }

        for (const box of document.querySelectorAll(".mud-table-container, .mud-simple-table .mud-table-container")) {
            const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
            if (scrolls && !box.hasAttribute("tabindex")) {
                box.setAttribute("tabindex", "0");
                box.setAttribute("role", "region");
                const table = box.closest("[data-testid]");
                const name = box.querySelector("caption")?.textContent || table?.getAttribute("aria-label") || document.title;
                box.setAttribute("aria-label", name);
            } else if (!scrolls && box.getAttribute("tabindex") === "0" && box.getAttribute("role") === "region") {
                box.removeAttribute("tabindex");
                box.removeAttribute("role");
                box.removeAttribute("aria-label");
            }
        }
    };
    let queued = false;
    const schedule = () => {
        if (!queued) {
            queued = true;
            requestAnimationFrame(() => { queued = false; mark(); });
        }
    };
    new MutationObserver(schedule).observe(document.documentElement, {
        childList: true, subtree: true, attributes: true, attributeFilter: ["role", "tabindex", "aria-expanded", "aria-haspopup"],
    });
    window.addEventListener("resize", schedule);
    schedule();
})();
