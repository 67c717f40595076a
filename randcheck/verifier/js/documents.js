// Documents: not yet written.
const Documents = (() => {
  return {};
})();
