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
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let policy: TierPolicy
        do {
            policy = try decoder.decode(TierPolicy.self, from: data)
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
        let all = context.codingPath + keys
        if all.isEmpty { return "(file)" }
        return all.map { key in
            key.intValue.map { "[\($0)]" } ?? key.stringValue.reduce(into: "") { out, c in
                out += c.isUppercase ? "_" + c.lowercased() : String(c)
            }
        }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    static func problem(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is missing"
        case .typeMismatch(let type, _): "has the wrong type (expected \(type == String.self ? "text" : "a number"))"
        case .valueNotFound: "is null"
        case .dataCorrupted: "is not valid JSON"
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
