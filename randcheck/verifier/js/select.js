// Select: not yet written.
const Select = (() => {
  return {};
})();
