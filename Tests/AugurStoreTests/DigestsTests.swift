import AugurStore
import Foundation
import Testing

/// Model digests are swift-crypto's SHA-256 in lowercase hex: the FIPS 180-4 test vectors,
/// so every digest recorded by an earlier version of the store still matches.
@Suite struct DigestsTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesTestVectors(_ text: String, _ expected: String) {
        #expect(Digests.sha256(Array(text.utf8)) == expected)
        #expect(Digests.sha256(Data(text.utf8)) == expected)
    }

    @Test func hashesAMillionBytes() {
        #expect(Digests.sha256([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hashesEveryLengthAroundABlock() {
        // 55/56/64 bytes are where SHA-256's padding changes shape.
        let digests = (54...66).map { Digests.sha256([UInt8](repeating: 0x61, count: $0)) }
        #expect(Set(digests).count == digests.count)
        #expect(digests.allSatisfy { $0.count == 64 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(digests[2] == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
    }
}
