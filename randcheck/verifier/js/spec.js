// Spec: not yet written.
const Spec = (() => {
  return {};
})();
