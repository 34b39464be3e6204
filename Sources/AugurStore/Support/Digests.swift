import Foundation
import Crypto

/// SHA-256 digests as 64 lowercase hex digits: model files (versions, integrity checks) and
/// cache names.
///
/// swift-crypto's SHA-256 (CryptoKit on Apple platforms, BoringSSL elsewhere): hardware
/// accelerated, hashing the bytes where they are (no copy, no padding buffer).
public enum Digests {
    /// The SHA-256 of `bytes`, in hex.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func hex(_ digest: SHA256.Digest) -> String {
        String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { out in
            var i = 0
            for byte in digest {
                out[i] = digits[Int(byte >> 4)]
                out[i + 1] = digits[Int(byte & 0x0f)]
                i += 2
            }
            return i
        }
    }
}
