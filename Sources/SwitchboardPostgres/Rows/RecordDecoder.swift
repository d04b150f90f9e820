import Foundation
import PostgresNIO
import SwitchboardStore

/// Decodes the store's records (Codable structs whose properties are the columns in camel
/// case) from a PostgreSQL row, the way GRDB decodes them from SQLite with
/// `.convertFromSnakeCase`: one decoder for every record, so the two engines can't disagree
/// on a column's name.
enum RecordDecoder {
    static func decode<T: Decodable>(_ type: T.Type, from row: PostgresRandomAccessRow) throws -> T {
        try T(from: RowDecoder(row: row))
    }

    /// `phoneE164` → `phone_e164`, `requiresResponseEventId` → `requires_response_event_id`.
    static func column(for key: String) -> String {
        var column = ""
        for character in key {
            if character.isUppercase {
                column.append("_")
                column.append(contentsOf: character.lowercased())
            } else {
                column.append(character)
            }
        }
        return column
    }
}

extension PostgresRandomAccessRow {
    /// This row as one of the store's records.
    func record<T: Decodable>(_ type: T.Type) throws -> T { try RecordDecoder.decode(type, from: self) }
}

private struct RowDecoder: Decoder {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a row decodes as a record"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a row decodes as a record"))
    }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func cell(_ key: Key) throws -> PostgresCell {
        let column = RecordDecoder.column(for: key.stringValue)
        guard row.contains(column) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no column \(column) in the row"))
        }
        return row[column]
    }

    func contains(_ key: Key) -> Bool { row.contains(RecordDecoder.column(for: key.stringValue)) }

    func decodeNil(forKey key: Key) throws -> Bool { try cell(key).bytes == nil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try CellDecoder(cell: cell(key)).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "a column holds one value"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "a column holds one value"))
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// One cell: a value PostgresNIO decodes itself (Int, String, Bool, Double, Date…), or a
/// Codable value stored as one of them (the store's enums are raw strings).
private struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let cell: PostgresCell
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "a column holds one value"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a column holds one value"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { cell.bytes == nil }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let native = T.self as? any PostgresDecodable.Type {
            return try decodeNative(native) as! T
        }
        return try T(from: self)
    }

    private func decodeNative<P: PostgresDecodable>(_ type: P.Type) throws -> P {
        // SQLite hands back any integer as the property's width; PostgreSQL's bigint is Int64.
        if P.self == Int.self { return Int(try cell.decode(Int64.self)) as! P }
        return try cell.decode(P.self)
    }
}
