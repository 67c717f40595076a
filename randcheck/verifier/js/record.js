// Record: not yet written.
const Record = (() => {
  return {};
})();
