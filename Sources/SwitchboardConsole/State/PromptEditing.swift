import Foundation
import SwitchboardCore
import SwitchboardStore

/// Prompts as readline has them: a cursor, ←/→, Ctrl-A/E/U/W, a history per kind of prompt;
/// searches that apply as they are typed.
extension ConsoleState {
    /// Opens a prompt with its cursor at the end of its text.
    mutating func openPrompt(_ newPrompt: Prompt) {
        prompt = newPrompt
        promptCursor = newPrompt.text.count
        historyPosition = 0
    }

    /// Moves and deletes in the prompt's line, and walks its history.
    mutating func editLine(_ edit: LineEdit) -> [Effect] {
        guard let current = prompt else { return [] }
        var text = Array(current.text)
        var cursor = min(promptCursor, text.count)
        switch edit {
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = text.count
        case .deleteToStart:
            text.removeFirst(cursor)
            cursor = 0
        case .deleteWord:
            var start = cursor
            while start > 0, text[start - 1] == " " { start -= 1 }
            while start > 0, text[start - 1] != " " { start -= 1 }
            text.removeSubrange(start..<cursor)
            cursor = start
        case .historyBack, .historyForward:
            // In a search, ↑/↓ go to the previous / next match.
            if current.isSearch { return nextMatch(forward: edit == .historyForward) }
            let history = promptHistory[current.historyKey] ?? []
            let position = historyPosition + (edit == .historyBack ? 1 : -1)
            guard position >= 0, position <= history.count else { return [] }
            historyPosition = position
            text = position == 0 ? [] : Array(history[history.count - position])
            cursor = text.count
        }
        prompt = current.replacingText(String(text))
        promptCursor = cursor
        return searchAsTyped()
    }

    /// A search applies as it is typed: the thread list filters, the sitters cursor goes to
    /// the first sitter matching.
    mutating func searchAsTyped() -> [Effect] {
        switch prompt {
        case .search(let text):
            let applied = text.isEmpty ? nil : text
            guard applied != search else { return [] }
            search = applied
            startThreadListAtTop()
            return [.reload]
        case .sitterSearch(let text):
            guard !text.isEmpty else { return selectSitter(sitterCursorBefore) }
            let names = data.assignableSitters.map(\.name)
            guard let first = Completion.matches(text, in: names).first, let index = names.firstIndex(of: first) else {
                notice = Notice(.info, "No sitter matches “\(text)”.")
                return []
            }
            notice = nil
            return selectSitter(index)
        default:
            return []
        }
    }

    /// ↓/↑ in a search: the next / previous thread of the filtered list, or the next /
    /// previous sitter matching.
    mutating func nextMatch(forward: Bool) -> [Effect] {
        switch prompt {
        case .search: return selectThread(at: selectedIndex + (forward ? 1 : -1))
        case .sitterSearch(let text):
            let names = data.assignableSitters.map(\.name)
            let matching = Set(Completion.matches(text, in: names))
            let order = forward ? Array(names.indices) : names.indices.reversed()
            let after = order.filter { forward ? $0 > sitterCursor : $0 < sitterCursor }
            guard let index = (after + order).first(where: { matching.contains(names[$0]) }) else { return [] }
            return selectSitter(index)
        default: return []
        }
    }
}
