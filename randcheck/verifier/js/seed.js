// Seed: not yet written.
const Seed = (() => {
  return {};
})();
