// Model: not yet written.
const Model = (() => {
  return {};
})();
