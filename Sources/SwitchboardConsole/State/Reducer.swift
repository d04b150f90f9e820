import Foundation
import SwitchboardCore
import SwitchboardStore

extension ConsoleState {
    /// The longest text a prompt takes: ten SMS segments.
    static let promptLimit = 1600

    /// Applies one action and says what the runner must do next. Pure: no I/O, no clock.
    public mutating func reduce(_ action: Action) -> [Effect] {
        if let refusal = viewer.refusal(of: action) {
            notice = Notice(.error, refusal)
            return []
        }
        if let effects = reduceWebhookViews(action) { return effects }
        switch action {
        case .moveDown: return move(by: 1)
        case .moveUp: return move(by: -1)
        case .pageDown: return move(by: max(1, layout?.threadRows ?? 1))
        case .pageUp: return move(by: -max(1, layout?.threadRows ?? 1))
        case .moveToTop: return move(to: 0)
        case .moveToBottom: return move(to: Int.max)
        case .nextPane: return focus(Pane(rawValue: (focus.rawValue + 1) % Pane.allCases.count)!)
        case .previousPane:
            return focus(Pane(rawValue: (focus.rawValue + Pane.allCases.count - 1) % Pane.allCases.count)!)
        case .open: return open()
        case .toggleHelp:
            overlay = overlay == .help(focus) ? nil : .help(focus)
            return []
        case .toggleTiers:
            overlay = overlay == .tiers ? nil : .tiers
            tierScroll = 0
            return [.reload]
        case .toggleUnrouted:
            overlay = overlay == .unrouted ? nil : .unrouted
            unroutedScroll = 0
            return [.reload]
        case .togglePause: return togglePause()
        case .toggleReceipts, .cycleReceiptVerdict, .routeSelected: return []  // see reduceWebhookViews
        case .nextOrg: return showNextOrg()
        case .cancel: return cancel()
        case .quit:
            isRunning = false
            return [.quit]
        case .startSearch:
            guard overlay == nil else { return [] }
            if focus == .sitters {
                sitterCursorBefore = sitterCursor
                openPrompt(.sitterSearch(""))
                return [.reload]
            }
            searchBefore = search
            openPrompt(.search(search ?? ""))
            return []
        case .startCommand:
            guard overlay == nil || overlay == .tiers || overlay == .unrouted || overlay == .help(focus) else { return [] }
            openPrompt(.command(""))
            return [.reload]
        case .complete:
            guard case .command(let line) = prompt else { return [] }
            openPrompt(.command(Completion.complete(line, in: self).line))
            return []
        case .startReply: return startReply()
        case .startAssign: return startAssign()
        case .startOffer: return startOffer()
        case .simulateAnswer(let accept): return simulate(accept: accept)
        case .tick(let date):
            now = date
            return []
        case .undo: return undoLast()
        case .markUnread:
            guard overlay == nil, let thread = selectedThread else {
                notice = Notice(.error, "Select a thread to mark unread.")
                return []
            }
            notice = Notice(.info, "Marking \(thread.counterpartName) unread…")
            return [.markUnread(threadId: thread.id, count: 1)]
        case .toggleTag:
            guard overlay == nil, let thread = selectedThread else { return [] }
            if tagged.removeValue(forKey: thread.id) == nil {
                tagged[thread.id] = TaggedThread(
                    name: thread.counterpartName, isClientThread: thread.thread.scope.isClientThread,
                    assignedSitterId: thread.thread.assignedSitterId, unread: thread.thread.unread)
            }
            notice = Notice(.info, tagged.isEmpty ? "No thread tagged." : "\(tagged.count) tagged: a assigns them, m marks them read, Esc untags.")
            if focus == .owner || focus == .sitters { focus = .threads }
            return selectThread(at: selectedIndex + 1)
        case .markRead: return markTaggedRead()
        case .composeInEditor:
            guard overlay == nil, let thread = selectedThread else {
                notice = Notice(.error, "Select a thread to reply to.")
                return []
            }
            return [.editInEditor(threadId: thread.id, draft: drafts[thread.id] ?? "")]
        case .editorFinished(let threadId, let text):
            guard let text else {
                notice = Notice(.error, "The editor did not run; set EDITOR to your editor (for example EDITOR=nano).")
                return []
            }
            // Untrusted like anything typed: cleaned line by line, line breaks kept.
            let body = Sanitizer.cleanKeepingLines(text).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else {
                drafts[threadId] = nil
                notice = Notice(.info, "Nothing sent: the reply was empty.")
                return []
            }
            drafts[threadId] = body.replacingOccurrences(of: "\n", with: " ")
            let name = data.threads.first { $0.id == threadId }?.counterpartName ?? "the thread"
            let size = SMSSegments(body)
            confirmation = Confirmation(
                question: "Send this reply (\(size.units) characters, \(size.segments) SMS) to \(name)?",
                effect: .reply(threadId: threadId, body: body), progress: "Sending to \(name)…")
            return []
        case .nextThread(let filter):
            guard overlay == nil else { return [] }
            guard search == nil, !paused else {
                notice = Notice(
                    .info, paused ? "Paused: p resumes, then ] and } jump." : "Esc clears the search first; ] and } jump through the whole mailbox.")
                return []
            }
            pendingJump = filter
            messageSkip = 0
            messageLineSkip = 0
            if focus == .owner || focus == .sitters { focus = .threads }
            return [.reload]
        case .confirm:
            guard let question = confirmation else { return [] }
            confirmation = nil
            notice = Notice(.info, question.progress)
            return [question.effect]
        case .type(let character):
            // Typed (or pasted) text is untrusted too: cleaned as it arrives.
            guard let current = prompt, current.text.count < Self.promptLimit else { return [] }
            var text = Array(current.text)
            let cursor = min(promptCursor, text.count)
            let clean = Array(Sanitizer.clean(String(character)))
            text.insert(contentsOf: clean, at: cursor)
            prompt = current.replacingText(String(text))
            promptCursor = cursor + clean.count
            return searchAsTyped()
        case .deleteBackward:
            guard let current = prompt else { return [] }
            var text = Array(current.text)
            let cursor = min(promptCursor, text.count)
            guard cursor > 0 else { return [] }
            text.remove(at: cursor - 1)
            prompt = current.replacingText(String(text))
            promptCursor = cursor - 1
            return searchAsTyped()
        case .edit(let edit): return editLine(edit)
        case .submit: return submit()
        case .click(let x, let y): return click(x: x, y: y)
        case .scroll(let x, let y, let lines): return scroll(x: x, y: y, lines: lines)
        case .resized(let newSize):
            size = newSize
            return [.reload]
        case .loaded(let newData, let readAt):
            apply(newData, readAt: readAt)
            return []
        case .databaseChanged:
            // Paused, the read only counts what arrived: the lists on screen stay (see `apply`).
            return [.reload]
        case .operatorFinished(let result):
            // An answer may quote what others sent (the TwiML of a reply, an error).
            notice = Notice(result.kind, Sanitizer.clean(result.text))
            return []
        }
    }

    // MARK: - Moving

    private mutating func move(by delta: Int) -> [Effect] {
        if case .picker(var picker) = overlay {
            picker.cursor = clamp(picker.cursor + delta, count: picker.options.count)
            overlay = .picker(picker)
            return []
        }
        if overlay == .tiers {
            // A page of the tier table, not of the thread list.
            let rows = layout?.tierRows ?? 1
            return scrollTiers(to: tierScroll + (abs(delta) > 1 ? delta.signum() * rows : delta))
        }
        guard overlay == nil else { return [] }
        switch focus {
        case .owner: return []
        case .sitters: return selectSitter(sitterCursor + delta)
        case .threads: return selectThread(at: selectedIndex + delta)
        case .messages: return scrollMessages(by: delta)
        }
    }

    private mutating func move(to position: Int) -> [Effect] {
        if case .picker(var picker) = overlay {
            picker.cursor = clamp(position, count: picker.options.count)
            overlay = .picker(picker)
            return []
        }
        if overlay == .tiers { return scrollTiers(to: position) }
        guard overlay == nil else { return [] }
        switch focus {
        case .owner: return []
        case .sitters: return selectSitter(position)
        case .threads: return selectThread(at: position)
        case .messages:
            // The list's top is the newest thread; the thread's top is its first message.
            messageSkip = position == 0 ? ConsoleViewQuery.oldestMessages : 0
            messageLineSkip = 0
            revealBelow = nil
            return [.reload]
        }
    }

    /// Rows the unrouted view lists: its box, header line and border taken off the body.
    public var unroutedRows: Int { max(1, (layout?.body.height ?? 3) - 3) }

    private mutating func scrollTiers(to position: Int) -> [Effect] {
        let last = max(0, data.sitterCount - (layout?.tierRows ?? 1))
        let target = min(max(0, position), last)
        guard target != tierScroll else { return [] }
        tierScroll = target
        return [.reload]
    }

    /// Scrolls the message view by line, as a pager: up (negative) towards older lines, a
    /// page is a screenful less one line. Lines past the newest message read are reached by
    /// reading further back (`messageSkip`); the view never goes past the thread's first line.
    private mutating func scrollMessages(by delta: Int) -> [Effect] {
        guard let layout else { return [] }
        let view = MessageView(pane: layout.messages, scrolledBack: true, media: data.media)
        let step = abs(delta) > 1 ? max(1, view.area.height - 1) : 1
        if delta < 0 {
            // The first line on screen, counted in the lines read; it moves up by `step`,
            // never above the thread's first line.
            let total = data.messages.reduce(0) { $0 + view.rows(of: $1) }
            let top = total - view.area.height - messageLineSkip
            let newTop = data.hasOlderMessages ? top - step : max(0, top - step)
            guard newTop < top else { return [] }
            // The same position, said as messages and lines below the view.
            var messages = data.messages
            var skip = messageSkip
            var lines = total - view.area.height - newTop
            while let bottom = messages.last, messages.count > 1, lines >= view.rows(of: bottom) {
                lines -= view.rows(of: bottom)
                skip += 1
                messages.removeLast()
            }
            messageSkip = skip
            messageLineSkip = lines
            return [.reload]
        }
        if messageLineSkip >= step {
            messageLineSkip -= step
            return [.reload]
        }
        guard messageSkip > 0 else {
            guard messageLineSkip > 0 else { return [] }
            messageLineSkip = 0
            return [.reload]
        }
        // Onto messages not read yet: each takes at least two lines, so skipping `remaining`
        // fewer messages reads enough of them; the read then places the view exactly.
        let remaining = step - messageLineSkip
        if let bottom = data.messages.last?.id { revealBelow = RevealBelow(messageId: bottom, lines: remaining) }
        messageSkip = max(0, messageSkip - remaining)
        messageLineSkip = 0
        return [.reload]
    }

    // MARK: - The mouse

    /// A click focuses the pane under it and selects the row clicked; on help it closes it.
    private mutating func click(x: Int, y: Int) -> [Effect] {
        guard let layout, prompt == nil else { return [] }
        if case .help = overlay {
            overlay = nil
            return []
        }
        guard overlay == nil, let pane = layout.pane(atX: x, y: y) else { return [] }
        var effects = focus(pane)
        switch pane {
        case .owner, .messages: break
        case .sitters:
            let row = y - layout.sitters.inner.y
            if row >= 0, row < data.sitters.count { effects += selectSitter(data.sitterOffset + row) }
        case .threads:
            let row = (y - layout.threads.inner.y) / ConsoleLayout.rowsPerThread
            if y >= layout.threads.inner.y, row < data.threads.count { effects += selectThread(at: data.offset + row) }
        }
        return effects.contains(.reload) ? [.reload] + effects.filter { $0 != .reload } : effects
    }

    /// The wheel moves the list under the pointer a row a notch, and the message view three
    /// lines; over a full-screen view it moves that view.
    private mutating func scroll(x: Int, y: Int, lines: Int) -> [Effect] {
        guard let layout, prompt == nil, lines != 0 else { return [] }
        let step = lines > 0 ? 1 : -1
        if overlay != nil { return move(by: step) }
        guard let pane = layout.pane(atX: x, y: y), pane != .owner else { return [] }
        if pane != focus { _ = focus(pane) }
        var effects: [Effect] = []
        for _ in 0..<(pane == .messages ? abs(lines) : 1) { effects += move(by: step) }
        return effects.isEmpty ? [] : [.reload]
    }

    mutating func selectSitter(_ index: Int) -> [Effect] {
        guard data.sitterCount > 0 else { return [] }
        sitterCursor = clamp(index, count: data.sitterCount)
        scrollSitters()
        if let sitter = cursorSitter { return show(.sitter(sitter.id)) }
        // Off the rows read so far: the next read resolves the sitter and shows its mailbox.
        search = nil
        startThreadListAtTop()
        mailboxFollowsSitterCursor = true
        return [.reload]
    }

    mutating func selectThread(at index: Int) -> [Effect] {
        guard data.threadCount > 0 else { return [] }
        var target = clamp(index, count: data.threadCount)
        if paused, !data.threads.isEmpty {
            // Paused, only the threads on screen: reading another page would show new ones.
            let onScreen = data.offset...(data.offset + data.threads.count - 1)
            if !onScreen.contains(target) {
                notice = Notice(.info, "Paused: only the threads on screen; p resumes live updates to see more.")
                target = min(max(target, onScreen.lowerBound), onScreen.upperBound)
            }
        }
        guard target != selectedIndex || selectedThreadId == nil else { return [] }
        selectedIndex = target
        messageSkip = 0
        messageLineSkip = 0
        let pageIndex = target - data.offset
        selectedThreadId = data.threads.indices.contains(pageIndex) ? data.threads[pageIndex].id : nil
        anchorByIndex = true
        return [.reload]
    }

    /// Shows another mailbox in the thread list, from its top.
    private mutating func show(_ newMailbox: Mailbox) -> [Effect] {
        // A sitter's console shows her mailbox, whatever pane is focused.
        guard newMailbox != mailbox, viewer.sitterId == nil else { return [] }
        mailbox = newMailbox
        tagged = [:]
        search = nil
        startThreadListAtTop()
        return [.reload]
    }

    /// Switches the whole screen to the next org: its owner inbox, its sitters from the top,
    /// no search. An open tier table or help stays open, now about the other org.
    private mutating func showNextOrg() -> [Effect] {
        guard data.orgs.count > 1 else {
            notice = Notice(.info, "This database holds one org; import another with `switchboard import FILE` to switch with O.")
            return []
        }
        let current = data.orgs.firstIndex { $0.id == (orgId ?? data.orgId) } ?? 0
        return showOrg(data.orgs[(current + 1) % data.orgs.count])
    }

    /// Switches the whole screen to an org (see ``showNextOrg()``).
    mutating func showOrg(_ next: Org) -> [Effect] {
        orgId = next.id
        focus = .owner
        if case .help = overlay { overlay = .help(.owner) }
        mailbox = .owner
        mailboxFollowsSitterCursor = false
        sitterCursor = 0
        sitterScroll = 0
        tierScroll = 0
        search = nil
        startThreadListAtTop()
        let position = (data.orgs.firstIndex { $0.id == next.id } ?? 0) + 1
        notice = Notice(.info, "Showing \(next.name) (org \(position) of \(data.orgs.count)); O switches again.")
        return [.reload]
    }

    /// The thread list from its first row, the message view at the newest message.
    mutating func startThreadListAtTop() {
        selectedIndex = 0
        selectedThreadId = nil
        threadOffset = 0
        messageSkip = 0
        messageLineSkip = 0
        anchorByIndex = true
    }

    private mutating func focus(_ pane: Pane) -> [Effect] {
        guard overlay == nil || overlay == .help(focus) else { return [] }
        focus = pane
        if case .help = overlay { overlay = .help(pane) }
        switch pane {
        case .owner: return show(.owner)
        case .sitters:
            guard let sitter = cursorSitter else { return [] }
            return show(.sitter(sitter.id))
        case .threads, .messages: return []
        }
    }

    private mutating func open() -> [Effect] {
        guard overlay == nil else { return [] }
        switch focus {
        case .owner, .sitters:
            focus = .threads
            return []
        case .threads, .messages:
            guard let thread = selectedThread else { return [] }
            focus = .messages
            newArrivals.remove(thread.id)
            guard thread.thread.unread > 0 else { return [] }
            undo = Undo(
                what: "marking \(thread.counterpartName) read", revert: [.markUnread(threadId: thread.id, count: thread.thread.unread)],
                madeAt: now)
            return [.markRead(threadId: thread.id)]
        }
    }

    private mutating func scrollSitters() {
        let rows = max(1, layout?.sitterRows ?? 1)
        if sitterCursor < sitterScroll { sitterScroll = sitterCursor }
        if sitterCursor >= sitterScroll + rows { sitterScroll = sitterCursor - rows + 1 }
        sitterScroll = max(0, min(sitterScroll, max(0, data.sitterCount - rows)))
    }

    // MARK: - Views and modes

    private mutating func togglePause() -> [Effect] {
        paused.toggle()
        if paused {
            pausedAfterMessageId = data.newestMessageId ?? 0
            pendingChanges = 0
            notice = Notice(.info, "Paused: live updates wait until you press p again.")
            return []
        }
        let waiting = pendingChanges
        pendingChanges = 0
        pausedAfterMessageId = nil
        notice = Notice(
            .info, waiting > 0 ? "Live again: showing \(waiting) text\(waiting == 1 ? "" : "s") that arrived while paused." : "Live again.")
        return [.reload]
    }

    private mutating func cancel() -> [Effect] {
        if confirmation != nil {
            confirmation = nil
            notice = Notice(.info, "Nothing sent.")
            return []
        }
        if let current = prompt {
            // A reply left half-typed is kept: `r` on the thread brings it back.
            if case .search = current, search != searchBefore {
                prompt = nil
                search = searchBefore
                startThreadListAtTop()
                return [.reload]
            }
            if case .sitterSearch = current {
                prompt = nil
                notice = nil
                return selectSitter(sitterCursorBefore)
            }
            if case .reply(let threadId, _, let text) = current {
                drafts[threadId] = text.isEmpty ? nil : text
                if !text.isEmpty { notice = Notice(.info, "Draft kept: r on this thread brings it back.") }
            }
            prompt = nil
            return []
        }
        if overlay != nil {
            overlay = nil
            return []
        }
        if !tagged.isEmpty {
            tagged = [:]
            notice = Notice(.info, "Tags cleared.")
            return []
        }
        if search != nil {
            search = nil
            startThreadListAtTop()
            return [.reload]
        }
        notice = nil
        return []
    }

    // MARK: - Operator actions

    private mutating func startReply() -> [Effect] {
        guard overlay == nil else { return [] }
        guard let thread = selectedThread else {
            notice = Notice(.error, "Select a thread to reply to.")
            return []
        }
        let draft = drafts[thread.id] ?? ""
        openPrompt(.reply(threadId: thread.id, to: thread.counterpartName, text: draft))
        return []
    }

    private mutating func startAssign() -> [Effect] {
        guard overlay == nil else { return [] }
        if !tagged.isEmpty {
            let clients = tagged.values.filter(\.isClientThread).count
            guard clients > 0 else {
                notice = Notice(.error, "Only client threads can be assigned; none of the tagged threads is one.")
                return []
            }
            overlay = .picker(
                Picker(
                    purpose: .assignTagged, title: "Assign \(clients) tagged thread\(clients == 1 ? "" : "s") to",
                    options: [Self.ownerInboxOption], cursor: 0))
            return [.reload]
        }
        guard let thread = selectedThread else {
            notice = Notice(.error, "Select a thread to assign.")
            return []
        }
        guard thread.thread.scope.isClientThread else {
            notice = Notice(.error, "Only client threads can be assigned to a sitter.")
            return []
        }
        // The sitters to choose from arrive with the next read (see `fillPicker`).
        overlay = .picker(
            Picker(
                purpose: .assign(threadId: thread.id), title: "Assign \(thread.counterpartName) to",
                options: [Self.ownerInboxOption], cursor: 0))
        return [.reload]
    }

    static let ownerInboxOption = Picker.Option(id: nil, label: "Owner inbox (unassigned)")

    /// Said when `y`, `n` or `o` has no sitter on screen to act on.
    static let noSitterInView = Notice(
        .error, "No sitter in view: pick one in the Sitters pane (Tab) or open a thread with a sitter, then press the key again.")

    private mutating func startOffer() -> [Effect] {
        guard overlay == nil else { return [] }
        guard let sitter = sitterInView else {
            notice = Self.noSitterInView
            return []
        }
        overlay = .picker(
            Picker(purpose: .offer(sitter: sitter), title: "Offer a booking to \(sitter.name)", options: [], cursor: 0))
        return [.reload]
    }

    /// `y`/`n`: opens the pending offers of the sitter in view. The read decides: with one
    /// offer (or none) the confirmation question comes at once, with several a picker.
    private mutating func simulate(accept: Bool) -> [Effect] {
        guard overlay == nil else { return [] }
        guard let sitter = sitterInView else {
            notice = Self.noSitterInView
            return []
        }
        let word = accept ? "YES" : "NO"
        overlay = .picker(
            Picker(
                purpose: .answer(sitter: sitter, accept: accept), title: "Text \(word) as \(sitter.name) for which offer?",
                options: [], cursor: 0))
        return [.reload]
    }

    /// The question that names what a simulated answer does.
    private mutating func confirmAnswer(as sitter: SitterRef, accept: Bool, offer: Picker.Option?) {
        let word = accept ? "YES" : "NO"
        if let offer, let code = offer.code {
            confirmation = Confirmation(
                question: "\(word) as \(sitter.name) for \(offer.summary ?? code)?",
                effect: .simulateAnswer(sitterId: sitter.id, accept: accept, code: code),
                progress: "Texting \(word) \(code) as \(sitter.name)…")
        } else {
            confirmation = Confirmation(
                question: "\(word) as \(sitter.name), who has no pending offer?",
                effect: .simulateAnswer(sitterId: sitter.id, accept: accept, code: nil),
                progress: "Texting \(word) as \(sitter.name)…")
        }
    }

    private mutating func submit() -> [Effect] {
        if case .picker(let picker) = overlay {
            guard picker.options.indices.contains(picker.cursor) else { return [] }
            let choice = picker.options[picker.cursor]
            overlay = nil
            switch picker.purpose {
            case .assign(let threadId):
                return assign(threadId: threadId, to: choice.id, named: choice.label)
            case .assignTagged:
                return assignTagged(to: choice.id, named: choice.label)
            case .offer(let sitter):
                guard let bookingId = choice.id else { return [] }
                confirmation = Confirmation(
                    question: "Offer \(choice.summary ?? choice.label) to \(sitter.name)?",
                    effect: .offer(bookingId: bookingId, sitterId: sitter.id),
                    progress: "Offering \(choice.code ?? choice.label) to \(sitter.name)…")
                return []
            case .answer(let sitter, let accept):
                confirmAnswer(as: sitter, accept: accept, offer: choice)
                return []
            }
        }
        guard let current = prompt else { return [] }
        prompt = nil
        if !current.text.isEmpty {
            promptHistory[current.historyKey, default: []].append(current.text)
            if promptHistory[current.historyKey]!.count > 50 { promptHistory[current.historyKey]!.removeFirst() }
        }
        if case .reply(let threadId, _, _) = current { drafts[threadId] = nil }
        switch current {
        case .search(let text):
            // Applied as it was typed; Enter keeps it (and the match chosen with ↑/↓).
            let applied = text.isEmpty ? nil : text
            focus = .threads
            guard applied != search else { return [] }
            search = applied
            startThreadListAtTop()
            return [.reload]
        case .command(let line):
            return runCommand(line)
        case .sitterSearch:
            return []
        case .reply(let threadId, let name, let text):
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                notice = Notice(.info, "Nothing sent: the reply was empty.")
                return []
            }
            notice = Notice(.info, "Sending to \(name)…")
            return [.reply(threadId: threadId, body: text)]
        }
    }

    // MARK: - Data

    private mutating func apply(_ newData: ConsoleViewData, readAt: Date) {
        if paused, data.orgId != nil, newData.orgId == data.orgId, newData.mailbox == data.mailbox, newData.search == data.search {
            applyWhilePaused(newData.sanitized())
            return
        }
        now = readAt
        if pendingJump != nil {
            if newData.foundNoNext {
                notice = Notice(.info, pendingJump == .unread ? "No unread thread in this mailbox." : "No unassigned thread in this mailbox.")
            }
            pendingJump = nil
        }
        data = newData.sanitized()
        // The first read names the org shown; after that only `O` changes it.
        if orgId == nil { orgId = newData.orgId }
        fitMessages()
        threadOffset = newData.offset
        selectedIndex = newData.selectedIndex ?? 0
        selectedThreadId = newData.selectedThread?.id
        anchorByIndex = false
        if mailboxFollowsSitterCursor {
            mailbox = newData.mailbox
            mailboxFollowsSitterCursor = false
        }
        // The cursor stays on a row that was read.
        sitterScroll = newData.sitterOffset
        if overlay == .tiers { tierScroll = newData.tierOffset }
        if overlay == .unrouted { unroutedScroll = newData.unroutedOffset }
        if !newData.sitters.isEmpty {
            sitterCursor = min(max(sitterCursor, newData.sitterOffset), newData.sitterOffset + newData.sitters.count - 1)
        }
        markArrivals(in: newData.threads)
        fillPicker()
    }

    /// Paused: the lists and counts on screen stay as they were when paused; the read brings
    /// only the selected thread's messages (the operator moved), what an overlay asks for,
    /// and the count of texts waiting. Ages stay measured from the last live read.
    private mutating func applyWhilePaused(_ newData: ConsoleViewData) {
        var frozen = data
        frozen.messages = newData.messages
        frozen.media = newData.media
        frozen.messageSkip = newData.messageSkip
        frozen.hasOlderMessages = newData.hasOlderMessages
        frozen.messagesFromStart = newData.messagesFromStart
        frozen.selectedIndex = selectedIndex
        frozen.listenerState = newData.listenerState
        frozen.tiers = newData.tiers
        frozen.tierOffset = newData.tierOffset
        frozen.unrouted = newData.unrouted
        frozen.openBookings = newData.openBookings
        frozen.pendingOffers = newData.pendingOffers
        frozen.assignableSitters = newData.assignableSitters
        data = frozen
        pendingChanges = newData.inboundSincePause
        anchorByIndex = false
        fitMessages()
        if overlay == .tiers { tierScroll = newData.tierOffset }
        fillPicker()
    }

    /// A picker's options come with the read: open bookings to offer, sitters to assign to.
    private mutating func fillPicker() {
        guard case .picker(var picker) = overlay else { return }
        let firstFill = !picker.filled
        picker.filled = true
        let zone = data.timeZone
        switch picker.purpose {
        case .offer:
            picker.options = data.openBookings.map { booking in
                Picker.Option(
                    id: booking.id,
                    label: "\(booking.code)  \(DayTime.text(booking.startsAt, timeZone: zone)) · \(booking.service) · "
                        + (booking.clientName ?? "unknown client"),
                    code: booking.code,
                    summary: "\(booking.code) (\(booking.service), \(DayTime.text(booking.startsAt, timeZone: zone)))")
            }
            picker.cursor = clamp(picker.cursor, count: picker.options.count)
        case .answer(let sitter, let accept):
            picker.options = data.pendingOffers.map { offer in
                Picker.Option(
                    id: offer.bookingId,
                    label: "\(offer.code)  \(DayTime.span(from: offer.startsAt, to: offer.endsAt, timeZone: zone)) · "
                        + "\(offer.service) · \(offer.clientName ?? "unknown client")",
                    code: offer.code,
                    summary: "\(offer.code) (\(offer.service), \(DayTime.text(offer.startsAt, timeZone: zone)))")
            }
            picker.cursor = clamp(picker.cursor, count: picker.options.count)
            // One offer or none: nothing to choose, straight to the question.
            if firstFill, picker.options.count <= 1 {
                overlay = nil
                confirmAnswer(as: sitter, accept: accept, offer: picker.options.first)
                return
            }
        case .assignTagged:
            let chosen = picker.options.indices.contains(picker.cursor) ? picker.options[picker.cursor].id : nil
            picker.options =
                [Self.ownerInboxOption] + data.assignableSitters.map { Picker.Option(id: $0.id, label: $0.name) }
            picker.cursor = firstFill ? 0 : picker.options.firstIndex { $0.id == chosen } ?? 0
        case .assign(let threadId):
            let chosen = picker.options.indices.contains(picker.cursor) ? picker.options[picker.cursor].id : nil
            picker.options =
                [Self.ownerInboxOption] + data.assignableSitters.map { Picker.Option(id: $0.id, label: $0.name) }
            // Opened on the thread's current assignee; afterwards the cursor keeps its choice.
            let target = firstFill ? data.threads.first { $0.id == threadId }?.thread.assignedSitterId : chosen
            picker.cursor = picker.options.firstIndex { $0.id == target } ?? 0
        }
        overlay = .picker(picker)
    }

    /// Takes the message view's scroll from the read. After a jump to the thread's start it
    /// keeps the first messages that fill the view, scrolled so the first line is at the top;
    /// after a move down onto a message, it shows that message's first lines.
    private mutating func fitMessages() {
        defer { messageSkip = data.messageSkip }
        guard let layout else { return }
        let view = MessageView(pane: layout.messages, scrolledBack: true, media: data.media)
        if data.messagesFromStart {
            var used = 0
            var fit = 0
            for event in data.messages where used < view.area.height {
                used += view.rows(of: event)
                fit += 1
            }
            data.messageSkip += data.messages.count - fit
            data.messages.removeLast(data.messages.count - fit)
            data.messagesFromStart = false
            messageLineSkip = max(0, used - view.area.height)
            revealBelow = nil
            return
        }
        guard !data.messages.isEmpty else {
            messageLineSkip = 0
            return
        }
        if let reveal = revealBelow {
            revealBelow = nil
            if let index = data.messages.firstIndex(where: { $0.id == reveal.messageId }) {
                let newer = data.messages[(index + 1)...].reduce(0) { $0 + view.rows(of: $1) }
                var below = max(0, newer - reveal.lines)
                while let last = data.messages.last, data.messages.count > index + 1, below >= view.rows(of: last) {
                    below -= view.rows(of: last)
                    data.messages.removeLast()
                    data.messageSkip += 1
                }
                messageLineSkip = below
            }
        }
        guard let bottom = data.messages.last else { return }
        messageLineSkip = min(messageLineSkip, view.rows(of: bottom) - 1)
        if !data.hasOlderMessages {
            let total = data.messages.reduce(0) { $0 + view.rows(of: $1) }
            messageLineSkip = min(messageLineSkip, max(0, total - view.area.height))
        }
        messageLineSkip = max(0, messageLineSkip)
    }

    /// A thread is a new arrival when its last activity moved on since it was last seen (or
    /// happened after the console started) and it has unread messages.
    private mutating func markArrivals(in threads: [ThreadSummary]) {
        for summary in threads {
            let activity = summary.thread.lastMessageAt
            let arrived =
                if let seen = lastSeenActivity[summary.id] { activity > seen } else { activity > startedAt }
            if arrived, summary.thread.unread > 0 { newArrivals.insert(summary.id) }
            if summary.thread.unread == 0 { newArrivals.remove(summary.id) }
            lastSeenActivity[summary.id] = activity
        }
    }

    private func clamp(_ value: Int, count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(max(0, value), count - 1)
    }
}

extension Prompt {
    func replacingText(_ text: String) -> Prompt {
        switch self {
        case .search: .search(text)
        case .sitterSearch: .sitterSearch(text)
        case .reply(let threadId, let name, _): .reply(threadId: threadId, to: name, text: text)
        case .command: .command(text)
        }
    }
}
