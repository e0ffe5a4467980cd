// Drives the localized reconnect dialog (Components/Layout/ReconnectModal.razor) from blazor.web.js's state events.
const modal = document.getElementById("components-reconnect-modal");
if (modal) {
    modal.addEventListener("components-reconnect-state-changed", event => {
        const state = event.detail.state;
        if (state === "show" && !modal.open) {
            modal.showModal();
        } else if (state === "hide" && modal.open) {
            modal.close();
        } else if (state === "failed") {
            document.addEventListener("visibilitychange", retryWhenVisible);
        } else if (state === "rejected") {
            location.reload();
        }
    });
    document.getElementById("components-reconnect-button")?.addEventListener("click", retry);
    document.getElementById("components-resume-button")?.addEventListener("click", resume);
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
        if (!await Blazor.reconnect()) {
            if (!await Blazor.resumeCircuit()) {
                location.reload();
            } else {
                modal.close();
            }
        }
    } catch {
        document.addEventListener("visibilitychange", retryWhenVisible);
    }
}

async function resume() {
    try {
        if (!await Blazor.resumeCircuit()) {
            location.reload();
        }
    } catch {
        location.reload();
    }
}

async function retryWhenVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}
