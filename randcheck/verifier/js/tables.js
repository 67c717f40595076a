// Tables: not yet written.
const Tables = (() => {
  return {};
})();
