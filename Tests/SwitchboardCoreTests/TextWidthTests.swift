import Foundation
@testable import SwitchboardCore
import Testing

struct TextWidthTests {
    @Test("Latin letters and box drawing, measured without the tables, are what the tables say")
    func shortcutsAgreeWithTheTables() {
        for value in Array(0xA0..<0x300) + Array(0x2500..<0x2600) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let tables =
                ScalarWidthTable.contains(UInt32(value), in: ScalarWidthTable.zero)
                ? 0 : ScalarWidthTable.contains(UInt32(value), in: ScalarWidthTable.wide) ? 2 : 1
            #expect(TextWidth.of(scalar) == tables, "U+\(String(value, radix: 16))")
        }
    }
}
