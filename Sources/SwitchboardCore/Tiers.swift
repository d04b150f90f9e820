import Foundation

/// Tier thresholds, read from `Data/tiers.json`: the thresholds are data, not code.
///
/// Tiers are tried in order; a sitter earns the first whose every threshold is met (a
/// threshold on a metric the sitter has no data for is not met). The last tier has no
/// thresholds, so every sitter with enough samples earns one. Below the minimum sample
/// counts a sitter is `provisional`.
public struct TierPolicy: Codable, Sendable, Equatable {
    public struct Minimums: Codable, Sendable, Equatable {
        /// Answered client messages needed before response times count.
        public var responseSamples: Int
        /// Answered-or-expired offers needed before the accept rate counts.
        public var offerSamples: Int

        public init(responseSamples: Int, offerSamples: Int) {
            self.responseSamples = responseSamples
            self.offerSamples = offerSamples
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case responseSamples = "response_samples"
            case offerSamples = "offer_samples"
        }

        public init(from decoder: any Decoder) throws {
            let container = try StrictKeys.container(decoder, CodingKeys.self)
            responseSamples = try StrictKeys.wholeNumber(container, .responseSamples)
            offerSamples = try StrictKeys.wholeNumber(container, .offerSamples)
        }
    }

    public struct Tier: Codable, Sendable, Equatable {
        public var name: String
        public var maxMedianResponseSeconds: Double?
        public var minResponseRate: Double?
        public var minOfferAcceptRate: Double?

        public init(
            name: String, maxMedianResponseSeconds: Double? = nil, minResponseRate: Double? = nil,
            minOfferAcceptRate: Double? = nil
        ) {
            self.name = name
            self.maxMedianResponseSeconds = maxMedianResponseSeconds
            self.minResponseRate = minResponseRate
            self.minOfferAcceptRate = minOfferAcceptRate
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name
            case maxMedianResponseSeconds = "max_median_response_seconds"
            case minResponseRate = "min_response_rate"
            case minOfferAcceptRate = "min_offer_accept_rate"
        }

        static let thresholdKeys = [CodingKeys.maxMedianResponseSeconds, .minResponseRate, .minOfferAcceptRate].map(\.rawValue)

        public init(from decoder: any Decoder) throws {
            let container = try StrictKeys.container(decoder, CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            maxMedianResponseSeconds = try container.decodeIfPresent(Double.self, forKey: .maxMedianResponseSeconds)
            minResponseRate = try container.decodeIfPresent(Double.self, forKey: .minResponseRate)
            minOfferAcceptRate = try container.decodeIfPresent(Double.self, forKey: .minOfferAcceptRate)
        }

        var hasThresholds: Bool {
            maxMedianResponseSeconds != nil || minResponseRate != nil || minOfferAcceptRate != nil
        }

        func admits(_ metrics: SitterMetrics) -> Bool {
            if let limit = maxMedianResponseSeconds {
                guard let median = metrics.medianResponseSeconds, median <= limit else { return false }
            }
            if let floor = minResponseRate {
                guard let rate = metrics.responseRate, rate >= floor else { return false }
            }
            if let floor = minOfferAcceptRate {
                guard let rate = metrics.offerAcceptRate, rate >= floor else { return false }
            }
            return true
        }
    }

    public static let provisional = "provisional"

    /// The policy shipped in `Data/tiers.json`, for a binary run away from its data folder.
    /// A test proves the two are the same, so they cannot drift apart.
    public static let builtIn: TierPolicy = {
        // swift-format-ignore
        let json = #"""
        {
          "provisional_below": {
            "response_samples": 5,
            "offer_samples": 2
          },
          "tiers": [
            {
              "name": "gold",
              "max_median_response_seconds": 600,
              "min_response_rate": 0.85,
              "min_offer_accept_rate": 0.75
            },
            {
              "name": "silver",
              "max_median_response_seconds": 1800,
              "min_response_rate": 0.75,
              "min_offer_accept_rate": 0.5
            },
            {
              "name": "bronze"
            }
          ]
        }
        """#
        return try! decode(Data(json.utf8), file: "built-in tiers")
    }()

    public var provisionalBelow: Minimums
    public var tiers: [Tier]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case provisionalBelow = "provisional_below"
        case tiers
    }

    public init(from decoder: any Decoder) throws {
        let container = try StrictKeys.container(decoder, CodingKeys.self)
        provisionalBelow = try container.decode(Minimums.self, forKey: .provisionalBelow)
        tiers = try container.decode([Tier].self, forKey: .tiers)
    }

    public init(provisionalBelow: Minimums, tiers: [Tier]) {
        self.provisionalBelow = provisionalBelow
        self.tiers = tiers
    }

    /// The tier `metrics` earn.
    public func tier(for metrics: SitterMetrics) -> String {
        if metrics.responseSampleCount < provisionalBelow.responseSamples
            || metrics.offerSampleCount < provisionalBelow.offerSamples
        {
            return Self.provisional
        }
        return tiers.first { $0.admits(metrics) }?.name ?? Self.provisional
    }

    /// Decodes and checks a policy, naming `file` and the field at fault.
    public static func decode(_ data: Data, file: String) throws -> TierPolicy {
        let policy: TierPolicy
        do {
            policy = try JSONDecoder().decode(TierPolicy.self, from: data)
        } catch let error as StrictKeys.Refusal {
            throw TierPolicyError(file: file, field: error.path, problem: error.problem)
        } catch let error as DecodingError {
            throw TierPolicyError(file: file, field: Self.path(of: error), problem: Self.problem(of: error))
        }
        try policy.validate(file: file)
        return policy
    }

    func validate(file: String) throws {
        func fail(_ field: String, _ problem: String) -> TierPolicyError {
            TierPolicyError(file: file, field: field, problem: problem)
        }
        if provisionalBelow.responseSamples < 0 { throw fail("provisional_below.response_samples", "must be 0 or more") }
        if provisionalBelow.offerSamples < 0 { throw fail("provisional_below.offer_samples", "must be 0 or more") }
        guard let last = tiers.last else { throw fail("tiers", "needs at least one tier") }
        if last.hasThresholds {
            throw fail("tiers[\(tiers.count - 1)]", "the last tier must have no thresholds, so every sitter earns a tier")
        }
        var names = Set<String>()
        for (index, tier) in tiers.enumerated() {
            // A tier without thresholds admits everyone: the tiers after it could never be
            // earned (a misspelt threshold key used to make every sitter gold this way).
            if index < tiers.count - 1, !tier.hasThresholds {
                throw fail(
                    "tiers[\(index)]",
                    "has no threshold, so every sitter would earn it: give it at least one of "
                        + Tier.thresholdKeys.joined(separator: ", ") + ", or make it the last tier")
            }
            if tier.name.isEmpty || tier.name == Self.provisional {
                throw fail("tiers[\(index)].name", "must be a name other than \"\(Self.provisional)\"")
            }
            if !names.insert(tier.name).inserted { throw fail("tiers[\(index)].name", "\"\(tier.name)\" is used twice") }
            for (field, value) in [("min_response_rate", tier.minResponseRate), ("min_offer_accept_rate", tier.minOfferAcceptRate)] {
                if let value, !(0...1).contains(value) { throw fail("tiers[\(index)].\(field)", "must be between 0 and 1") }
            }
            if let value = tier.maxMedianResponseSeconds, value < 0 {
                throw fail("tiers[\(index)].max_median_response_seconds", "must be 0 or more")
            }
        }
    }

    static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        var keys: [any CodingKey] = []
        switch error {
        case .keyNotFound(let key, let c): context = c; keys = [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return "?"
        }
        return StrictKeys.path(context.codingPath + keys)
    }

    /// How a JSON value of `type` is called in an error a person reads.
    static func kind(of type: Any.Type) -> String {
        if type == String.self { return "text" }
        if type == Double.self || type == Int.self { return "a number" }
        if "\(type)".hasPrefix("Array") { return "a list" }
        return "an object"
    }

    static func problem(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is missing"
        case .typeMismatch(let type, _): "has the wrong type (expected \(kind(of: type)))"
        case .valueNotFound: "is null"
        case .dataCorrupted(let context): context.codingPath.isEmpty ? "is not valid JSON" : "has the wrong type or value"
        @unknown default: "is invalid"
        }
    }
}

public struct TierPolicyError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var field: String
    public var problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(file): \(field) \(problem)" }
}

/// Decoding that refuses what it does not know: a misspelt key is an error naming its JSON
/// path and the keys that are allowed there, never a silently missing threshold.
enum StrictKeys {
    struct Refusal: Error {
        var path: String
        var problem: String
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The keyed container of `decoder`, after checking that every key in the JSON object is one of `Keys`.
    static func container<Keys: CodingKey & CaseIterable>(_ decoder: any Decoder, _: Keys.Type) throws
        -> KeyedDecodingContainer<Keys>
    {
        let known = Keys.allCases.map(\.stringValue)
        let all = try decoder.container(keyedBy: AnyKey.self)
        for key in all.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !known.contains(key.stringValue) {
            let guess = known.min { distance(key.stringValue, $0) < distance(key.stringValue, $1) }
            let hint = guess.map { distance(key.stringValue, $0) <= 3 ? " (did you mean \"\($0)\"?)" : "" } ?? ""
            throw Refusal(
                path: path(decoder.codingPath + [key]),
                problem: "is not a known key\(hint): rename or remove it, the keys allowed here are \(known.joined(separator: ", "))")
        }
        return try decoder.container(keyedBy: Keys.self)
    }

    /// A whole number; JSON has one number type, so `5.5` is refused here with the path.
    static func wholeNumber<Keys: CodingKey>(_ container: KeyedDecodingContainer<Keys>, _ key: Keys) throws -> Int {
        let value = try container.decode(Double.self, forKey: key)
        guard value.rounded() == value, abs(value) < 1e15 else {
            throw Refusal(path: path(container.codingPath + [key]), problem: "must be a whole number")
        }
        return Int(value)
    }

    /// `tiers[0].min_response_rate`: the JSON path of a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        if keys.isEmpty { return "(file)" }
        return keys.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// Edit distance, to suggest the key a typo meant.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}

/// The figures of one sitter over one window (SPEC §5). Nil where there is nothing to divide.
public struct SitterMetrics: Sendable, Equatable {
    public var avgResponseSeconds: Double?
    public var medianResponseSeconds: Double?
    public var responseRate: Double?
    public var offerAcceptRate: Double?
    public var offerMedianResponseSeconds: Double?
    public var responseRequiredCount = 0
    public var responseSampleCount = 0
    public var offerSampleCount = 0
    public var offerAcceptedCount = 0
    public var offerResponseSampleCount = 0

    public init() {}

    /// How an offer in the window ended, for the accept rate.
    public enum OfferOutcome: Sendable, Equatable {
        /// Accepted after `seconds`.
        case accepted(seconds: Double)
        /// Declined after `seconds`.
        case declined(seconds: Double)
        /// Not answered before it expired.
        case expired
    }

    /// Computes the figures from the window's samples.
    ///
    /// - Parameters:
    ///   - responses: one entry per client message that required a response; the seconds
    ///     to the answer, or nil when it is still unanswered.
    ///   - offers: the window's offers that were answered or expired (pending and withdrawn
    ///     ones are left out by the caller).
    public static func compute(responses: [Double?], offers: [OfferOutcome]) -> SitterMetrics {
        var metrics = SitterMetrics()
        let answered = responses.compactMap { $0 }
        metrics.responseRequiredCount = responses.count
        metrics.responseSampleCount = answered.count
        metrics.avgResponseSeconds = average(answered)
        metrics.medianResponseSeconds = median(answered)
        metrics.responseRate = ratio(answered.count, responses.count)

        var offerSeconds: [Double] = []
        for outcome in offers {
            switch outcome {
            case .accepted(let seconds):
                metrics.offerAcceptedCount += 1
                offerSeconds.append(seconds)
            case .declined(let seconds):
                offerSeconds.append(seconds)
            case .expired:
                break
            }
        }
        metrics.offerSampleCount = offers.count
        metrics.offerResponseSampleCount = offerSeconds.count
        metrics.offerAcceptRate = ratio(metrics.offerAcceptedCount, offers.count)
        metrics.offerMedianResponseSeconds = median(offerSeconds)
        return metrics
    }

    public static func average(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The middle value; for an even count, the mean of the two middle values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}
