// Order entry shortcuts: Ctrl+Enter (Cmd+Enter) submits, Ctrl+S (Cmd+S) saves the draft. They act only where the
// page has those buttons and only when enabled, as a click would.
(() => {
    document.addEventListener("keydown", e => {
        if (!(e.ctrlKey || e.metaKey) || e.altKey) {
            return;
        }
        const target = e.key === "Enter" ? "submit" : e.key === "s" || e.key === "S" ? "save-draft" : null;
        const button = target && document.querySelector(`[data-testid="${target}"]`);
        if (!button) {
            return;
        }
        e.preventDefault();
        if (!button.disabled) {
            button.click();
        }
    }, true);
})();
