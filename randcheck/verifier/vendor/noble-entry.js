export { ed25519 } from '@noble/curves/ed25519.js';
export { bls12_381 } from '@noble/curves/bls12-381.js';
export { sha256 } from '@noble/hashes/sha2.js';
export { hmac } from '@noble/hashes/hmac.js';
export { hkdf } from '@noble/hashes/hkdf.js';
