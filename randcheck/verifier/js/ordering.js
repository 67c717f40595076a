// Ordering: not yet written.
const Ordering = (() => {
  return {};
})();
