// Order entry shortcuts: Ctrl+Enter (Cmd+Enter) submits, Ctrl+S (Cmd+S) saves the draft. They act only where the
// page has those buttons and only when enabled, as a click would. Enter in the new line's quantity adds the line
// with the quantity typed.
(() => {
    document.addEventListener("keydown", e => {
        const field = e.target;
        if (e.key !== "Enter" || e.ctrlKey || e.metaKey || e.altKey || e.isComposing
            || !(field instanceof HTMLInputElement) || !field.closest('[data-testid="new-quantity"]')) {
            return;
        }
        // The quantity binds on change, and the browser sends Enter's change after the key: the circuit would add the
        // line with the quantity of before. Leaving and re-entering the field sends the change first, in order.
        field.blur();
        field.focus();
    }, true);

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
        // Leave a line's field first, so a value typed and not yet committed (they commit on change) is sent before
        // the click; the circuit handles the change and then the click, in order.
        const field = document.activeElement;
        if (field instanceof HTMLInputElement && field.closest('[data-testid="lines"]')) {
            field.blur();
        }
        if (!button.disabled) {
            button.click();
        }
    }, true);
})();
