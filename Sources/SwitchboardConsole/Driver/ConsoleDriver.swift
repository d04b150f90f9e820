import Foundation
import SwitchboardCore
import SwitchboardStore

/// The console without a terminal: its state, the store it reads, and where the effects
/// that leave the console go. The event loop, the frame benchmarks and the tests all drive
/// this one type, so the read → loaded → render loop is written once.
///
/// ```swift
/// var driver = ConsoleDriver(state: ConsoleState(size: size, startedAt: now), store: store)
/// try driver.reload()                 // read what the screen shows
/// driver.send(.moveDown)              // reduce; remember the reload it asks for
/// try driver.reloadIfNeeded()
/// let grid = driver.frame()           // the pure render
/// ```
public struct ConsoleDriver {
    public private(set) var state: ConsoleState
    public let store: any Store
    /// Where operator actions go (every effect but `.reload` and `.quit`): the event loop
    /// runs them through ``OperatorActions`` off its thread; tests and benchmarks drop them.
    private let perform: (Effect) -> Void
    private var needsReload = false
    /// A reply to compose in `$EDITOR`: the event loop suspends the screen for it.
    private var editorRequest: (threadId: RowID, draft: String)?

    /// Takes the editor request an action made, if any.
    public mutating func takeEditorRequest() -> (threadId: RowID, draft: String)? {
        defer { editorRequest = nil }
        return editorRequest
    }

    public init(state: ConsoleState, store: any Store, perform: @escaping (Effect) -> Void = { _ in }) {
        self.state = state
        self.store = store
        self.perform = perform
    }

    /// Applies an action: reduces it, remembers a reload it asks for, and hands the operator
    /// actions it asks for to `perform`. Returns the effects, for tests.
    @discardableResult
    public mutating func send(_ action: Action) -> [Effect] {
        // Undo measures time: the reducer gets the clock's reading with it.
        if action == .undo { _ = state.reduce(.tick(store.clock.now)) }
        let effects = state.reduce(action)
        for effect in effects {
            switch effect {
            case .reload: needsReload = true
            case .quit: break
            case .editInEditor(let threadId, let draft): editorRequest = (threadId, draft)
            default: perform(effect)
            }
        }
        return effects
    }

    /// Asks for a read before the next frame (the ages on screen, "3m", move on).
    public mutating func setNeedsReload() { needsReload = true }

    /// Reads the screen again if an action asked for it since the last read.
    public mutating func reloadIfNeeded(now: Date? = nil) throws {
        if needsReload { try reload(now: now) }
    }

    /// Reads what the screen shows now (only the visible rows) and loads it into the state.
    /// `now` defaults to the store's clock.
    public mutating func reload(now: Date? = nil) throws {
        needsReload = false
        guard !state.isTooSmall else { return }
        let now = now ?? store.clock.now
        let data = try state.viewQuery.read(from: store, now: now)
        send(.loaded(data, at: now))
    }

    /// The frame for the current state: the pure render.
    public func frame() -> Grid { render(state, size: state.size) }
}
