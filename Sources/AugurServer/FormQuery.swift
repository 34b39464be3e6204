/// A query string read as `application/x-www-form-urlencoded` (the WHATWG URL standard's
/// parser, as browsers, Python's `urlencode` and `requests`' `params=` write it): pairs split on
/// `&`, name and value on the first `=`, `+` is a space, `%XY` is a byte, and the bytes are
/// UTF-8 (invalid sequences become U+FFFD). A `%` not followed by two hex digits stays as it is.
/// Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` is a name with an empty value.
enum FormQuery {
    static func pairs(_ query: Substring) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for piece in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let equals = piece.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((decode(piece[..<equals]), decode(piece[piece.index(after: equals)...])))
            } else {
                pairs.append((decode(piece), ""))
            }
        }
        return pairs
    }

    static func decode(_ text: Substring.UTF8View.SubSequence) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let byte = text[i]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                      let j = text.index(i, offsetBy: 2, limitedBy: text.index(before: text.endIndex)),
                      let high = hex(text[text.index(after: i)]), let low = hex(text[j]) {
                bytes.append(high << 4 | low)
                i = j
            } else {
                bytes.append(byte)
            }
            i = text.index(after: i)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
