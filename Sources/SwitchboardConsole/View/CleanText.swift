import SwitchboardCore
import SwitchboardStore

extension Sanitizer {
    /// Cleans each line of `text` and keeps the line breaks (`\n`), so a message body still
    /// wraps where its sender broke it.
    static func cleanKeepingLines(_ text: String) -> String {
        // One line (no CR or LF byte): nothing to split.
        if !text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) { return clean(text) }
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        if lines.count == 1 { return clean(text) }
        return lines.map { clean(String($0)) }.joined(separator: "\n")
    }
}

extension ConsoleViewData {
    /// The same screen with every untrusted text (names, phones, bodies, codes: whatever
    /// came from a webhook or an import) made safe to draw. Applied once, when a read is
    /// loaded into the state, so rendering measures and draws clean text and cleans nothing.
    func sanitized() -> ConsoleViewData {
        var data = self
        let clean = Sanitizer.clean
        data.orgName = clean(orgName)
        for index in data.orgs.indices { data.orgs[index].name = clean(data.orgs[index].name) }
        data.mailboxSitterName = mailboxSitterName.map(clean)
        data.search = search.map(clean)
        for index in data.sitters.indices {
            data.sitters[index].name = clean(data.sitters[index].name)
            data.sitters[index].tier = data.sitters[index].tier.map(clean)
        }
        for index in data.assignableSitters.indices {
            data.assignableSitters[index].name = clean(data.assignableSitters[index].name)
        }
        for index in data.threads.indices {
            data.threads[index].clientName = data.threads[index].clientName.map(clean)
            data.threads[index].sitterName = data.threads[index].sitterName.map(clean)
            data.threads[index].bookingCode = data.threads[index].bookingCode.map(clean)
            data.threads[index].lastBody = data.threads[index].lastBody.map(clean)
            data.threads[index].thread.counterpartE164 = data.threads[index].thread.counterpartE164.map(clean)
            data.threads[index].thread.maskedNumberE164 = data.threads[index].thread.maskedNumberE164.map(clean)
        }
        for index in data.messages.indices {
            data.messages[index].body = Sanitizer.cleanKeepingLines(data.messages[index].body)
        }
        if case .up(let address, let publicURL, let pid, let since) = data.listenerState {
            data.listenerState = .up(address: clean(address), publicURL: clean(publicURL), pid: pid, since: since)
        }
        data.media = data.media.mapValues { media in
            media.map { MediaItem(url: clean($0.url), contentType: clean($0.contentType)) }
        }
        for index in data.tiers.indices {
            data.tiers[index].sitter.name = clean(data.tiers[index].sitter.name)
            if let tier = data.tiers[index].window?.tier { data.tiers[index].window?.tier = clean(tier) }
        }
        for index in data.unrouted.indices {
            data.unrouted[index].from = data.unrouted[index].from.map(clean)
            data.unrouted[index].to = data.unrouted[index].to.map(clean)
            data.unrouted[index].body = data.unrouted[index].body.map(clean)
            data.unrouted[index].messageSid = data.unrouted[index].messageSid.map(clean)
        }
        for index in data.openBookings.indices {
            data.openBookings[index].code = clean(data.openBookings[index].code)
            data.openBookings[index].service = clean(data.openBookings[index].service)
            data.openBookings[index].clientName = data.openBookings[index].clientName.map(clean)
        }
        for index in data.pendingOffers.indices {
            data.pendingOffers[index].code = clean(data.pendingOffers[index].code)
            data.pendingOffers[index].service = clean(data.pendingOffers[index].service)
            data.pendingOffers[index].clientName = data.pendingOffers[index].clientName.map(clean)
        }
        data.receipts = receipts.sanitized()
        return data
    }
}
