// Per-browser memory of a list's views: saved filters (a name and the list's query string) and the columns shown.
// Kept in localStorage under "orderly.<list>.<what>"; anything unreadable counts as nothing saved.
window.orderlyViews = {
    get(list, what) {
        try {
            return JSON.parse(localStorage.getItem(`orderly.${list}.${what}`) ?? "null");
        } catch {
            return null;
        }
    },
    set(list, what, value) {
        localStorage.setItem(`orderly.${list}.${what}`, JSON.stringify(value));
    },
};
