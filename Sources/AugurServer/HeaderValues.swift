import Foundation
import HTTPTypes

extension HTTPFields {
    /// `self[name]` without the generic join when the field occurs once (the usual case):
    /// nil when absent, the value when there is one field, the comma-joined values otherwise.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}

/// Media types of request bodies.
enum MediaType {
    /// `application/json`, `application/*+json`, with any parameters (charset): the media type
    /// is the first non-empty `;`-separated part, trimmed of spaces and tabs, compared without
    /// case. ASCII values are checked byte by byte; anything else goes through String's
    /// Unicode-aware trimming and lowercasing (same answers, slower).
    static func isJSON(_ contentType: String) -> Bool {
        var text = contentType
        if let answer = text.withUTF8({ isJSONASCII($0) }) { return answer }
        return isJSONUnicode(contentType)
    }

    /// nil when the value is not all ASCII.
    static func isJSONASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        for byte in bytes where byte >= 0x80 { return nil }
        var start = 0
        var end = bytes.count
        // String.split(separator:maxSplits:) omits empty parts: skip leading separators.
        while start < end, bytes[start] == UInt8(ascii: ";") { start += 1 }
        var i = start
        while i < end, bytes[i] != UInt8(ascii: ";") { i += 1 }
        end = i
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        let media = UnsafeBufferPointer(rebasing: bytes[start..<end])
        if equalsLowercased(media, "application/json") { return true }
        let prefix: StaticString = "application/", suffix: StaticString = "+json"
        let p = prefix.utf8CodeUnitCount, s = suffix.utf8CodeUnitCount
        guard media.count >= p + s else { return false }
        return equalsLowercased(UnsafeBufferPointer(rebasing: media[..<p]), prefix)
            && equalsLowercased(UnsafeBufferPointer(rebasing: media[(media.count - s)...]), suffix)
    }

    /// Whether ASCII `bytes`, lowercased, equal the lowercase ASCII `text`.
    private static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let expected = text.utf8Start
        for i in 0..<bytes.count {
            var byte = bytes[i]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 0x20 }
            if byte != expected[i] { return false }
        }
        return true
    }

    /// The reference definition (Foundation's whitespace trimming, Unicode lowercasing).
    static func isJSONUnicode(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }
}
