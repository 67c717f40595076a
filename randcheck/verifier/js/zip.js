// Zip: not yet written.
const Zip = (() => {
  return {};
})();
