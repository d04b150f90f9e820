/// Draws the whole console for `state` into a grid of `size`. Pure: the same state and size
/// always give the same cells, which is what the snapshot tests compare.
public func render(_ state: ConsoleState, size: Size) -> Grid {
    var grid = Grid(size: size)
    guard let layout = ConsoleLayout(size: size) else {
        grid.renderTooSmall(size)
        return grid
    }
    grid.renderStatusBar(state, in: layout.status)
    switch state.overlay {
    case .tiers:
        grid.renderTiers(state, in: layout.body)
    case .unrouted:
        grid.renderUnrouted(state, in: layout.body)
    case .receipts:
        grid.renderReceipts(state, in: layout.body)
    case .help, .picker, nil:
        grid.renderOwnerPane(state, in: layout.owner)
        grid.renderSittersPane(state, in: layout.sitters)
        grid.renderThreadsPane(state, in: layout.threads)
        grid.renderMessagesPane(state, in: layout.messages)
    }
    switch state.overlay {
    case .help(let pane): grid.renderHelp(for: pane, viewer: state.viewer, in: layout.body)
    case .picker(let picker): grid.renderPicker(picker, in: layout.body)
    case .tiers, .unrouted, .receipts, nil: break
    }
    grid.renderFooter(state, in: layout.footer)
    grid.renderNoticeLine(state, in: layout.notice)
    return grid
}

extension Grid {
    /// One line saying what size is needed; `q` still quits.
    mutating func renderTooSmall(_ size: Size) {
        let need = ConsoleLayout.minimum
        let long = "Switchboard needs a terminal of at least \(need) (this one is \(size)). Enlarge it, or press q to quit."
        let short = "Need \(need) (now \(size)) · q quits"
        let text = DisplayWidth.of(long) <= size.width ? long : short
        write(text, x: 0, y: 0, style: .alert)
    }
}
