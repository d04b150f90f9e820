import Foundation
import SwitchboardCore
import Testing

@testable import SwitchboardWebhook

/// Every signature vector from the test suites of Twilio's helper libraries: twilio-python
/// (tests/unit/test_request_validator.py), twilio-node (spec/validation.spec.js,
/// spec/unit/webhooks/webhooks.spec.js), twilio-java (RequestValidatorTest.java) and
/// twilio-go (client/request_validator_test.go). They share one URL, token and form.
@Suite struct TwilioSignatureTests {
    static let token = "12345"
    static let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    static let form = FormParameters([
        "CallSid": "CA1234567890ABCDE", "Caller": "+14158675309", "Digits": "1234", "From": "+14158675309",
        "To": "+18005551212",
    ])
    static let body = #"{"property": "value", "boolean": true}"#
    static let bodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"

    struct Vector: CustomTestStringConvertible, Sendable {
        var name: String
        var url: String
        var form: FormParameters
        var signature: String
        var testDescription: String { name }
    }

    static let valid: [Vector] = [
        Vector(name: "all: the reference request", url: url, form: form, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Vector(name: "all: https with a port, signed without", url: "https://mycompany.com:1234/myapp.php?foo=1&bar=2", form: form, signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Vector(name: "all: http with a port, signed with it", url: "http://mycompany.com:1234/myapp.php?foo=1&bar=2", form: form, signature: "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
        Vector(name: "all: https without a port, signed with 443", url: url, form: form, signature: "kvajT1Ptam85bY51eRf/AJRuM3w="),
        Vector(name: "all: http without a port, signed with 80", url: "http://mycompany.com/myapp.php?foo=1&bar=2", form: form, signature: "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        Vector(
            name: "python: repeated names, values sorted", url: url,
            form: FormParameters(["Sid": "CA123", "SidAccount": "AC123", "Digits": "5678", "Digits": "1234"]),
            signature: "IK+Dwps556ElfBT0I3Rgjkr1wJU="),
        Vector(name: "node: credentials in the URL", url: "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", form: form, signature: "CukzLTc1tT5dXEDIHm/tKBanW10="),
        Vector(name: "node: only a user name in the URL", url: "https://user@mycompany.com/myapp.php?foo=1&bar=2", form: form, signature: "2YRLlVAflCqxaNicjMpJcSTgzSs="),
        Vector(name: "node: credentials, signed with 443", url: "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", form: form, signature: "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="),
        Vector(name: "node: a quote in the query", url: url + "&Body=It's+amazing", form: form, signature: "dsq4Ehbj6cs+KdTkpF5sSSplOWw="),
        Vector(name: "java: no parameters", url: url, form: FormParameters(), signature: "zYQTYrRWXE7LtzbG4PfP7/bkkGo="),
        Vector(name: "java: no query", url: "https://mycompany.com/myapp.php", form: form, signature: "1xaxFBvyzXYvWplzNOSs28HWO94="),
        Vector(
            name: "java: extra query parameters are signed",
            url: "https://mycompany.com/myapp.php?foo=1&bar=2&type=thiswontbeusedinthesignaturegeneratorandsoshouldbeignored",
            form: form, signature: "hYkNsTBttoNGkyCS0p+wWmQoRTg="),
        Vector(
            name: "java: escaped query", url: "https://mycompany.com/myapp.php?foo=hello%20world&bar=test%2Bvalue", form: form,
            signature: "er2tvAP1Wx+iuTTE2BPgvEaN1cs="),
        Vector(
            name: "java: special characters in values", url: url,
            form: FormParameters(["Message": "Hello & goodbye! @#$%^*()", "From": "+1 (415) 867-5309", "Special": "unicode: ñáéíóú"]),
            signature: "dCPiR4WtQ6QFN6pJh81CtlCcWLQ="),
        Vector(
            name: "java: empty values", url: url, form: FormParameters(["Digits": "", "CallSid": "CA1234567890ABCDE", "EmptyParam": ""]),
            signature: "9HHp/OqQMEwdrVebHDdA/+tqjX8="),
        Vector(
            name: "java: null values sign as empty", url: url,
            form: FormParameters(["Digits": "", "CallSid": "CA1234567890ABCDE", "NullParam": ""]),
            signature: "L9lTTwIlxM1xGAtLRwhOSZggRhM="),
        Vector(
            name: "java: names sorted", url: url,
            form: FormParameters(["Zebra": "last", "Alpha": "first", "Beta": "second", "Gamma": "third"]),
            signature: "enveUe73ZTVLAekHxez3Qx6JuuQ="),
        Vector(name: "java: international characters in the URL", url: "https://mycompany.com/webhook/España?año=2023", form: form, signature: "G/Hx6mqqnjUNlPAoi2Sp9bGst0g="),
        Vector(
            name: "java: names are case sensitive", url: url,
            form: FormParameters(["callSid": "lowercase", "CallSid": "uppercase", "CALLSID": "allcaps"]),
            signature: "jDK7WKT8wiNrwggd4ceTv4e1MJ4="),
        Vector(name: "java: a double slash, signed as is", url: "https://mycompany.com:443//myapp.php?foo=1&bar=2", form: form, signature: "A9lH3u16NjyiiM/+wylw5rirFUs="),
        // twilio-node webhooks.spec.js computes these with its own signer (token "s3cr3t"),
        // which normalises the URL first: it drops a default port and spells a query's ' as
        // %27. The signatures below are what that signer computes.
        Vector(name: "node: signed with port, URL with port", url: "https://example.com:443/path?test=param", form: FormParameters(), signature: "loLgTitFAoWx57yy5oEU4Hlddzw="),
        Vector(name: "node: signed with port, URL without port", url: "https://example.com/path?test=param", form: FormParameters(), signature: "loLgTitFAoWx57yy5oEU4Hlddzw="),
        Vector(name: "node: signed with the port spelled out", url: "https://example.com/path?test=param", form: FormParameters(), signature: "IdwMFypqvNxti3YgvWWmfcNL26M="),
        Vector(name: "node: unescaped quote in URL", url: "https://example.com/path?test=param'WithQuote", form: FormParameters(), signature: "HkuXLxVQ7zHv9LmGpzlLuGaxhJY="),
        Vector(name: "node: escaped quote in URL", url: "https://example.com/path?test=param%27WithQuote", form: FormParameters(), signature: "HkuXLxVQ7zHv9LmGpzlLuGaxhJY="),
    ]

    @Test(arguments: valid)
    func acceptsPublishedVector(_ vector: Vector) {
        let token = vector.url.contains("example.com") ? "s3cr3t" : Self.token
        #expect(TwilioSignature(authToken: token).isValid(vector.signature, url: vector.url, parameters: vector.form))
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var url: String
        var signature: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        Refusal(name: "java: wrong signature", url: url, signature: "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Refusal(name: "go: not base64", url: url, signature: "WRONG SIGNATURE"),
        Refusal(name: "node: another URL", url: "https://mycompany.com/myapp.php?foo=1&bar=3", signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Refusal(name: "node: another query value", url: "https://mycompany.com/myapp.php?foo=1&bar=2&x=2", signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8="),
        Refusal(name: "java: null signature", url: url, signature: nil),
        Refusal(name: "java: empty signature", url: url, signature: ""),
        Refusal(name: "java: incorrect value", url: url, signature: "IncorrectSignatureValue123="),
    ])
    func refusesWrongSignature(_ refusal: Refusal) {
        #expect(!TwilioSignature(authToken: Self.token).isValid(refusal.signature, url: refusal.url, parameters: Self.form))
    }

    @Test func refusesAnotherToken() {
        #expect(!TwilioSignature(authToken: "54321").isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: Self.url, parameters: Self.form))
    }

    @Test func signsAsTheLibrariesDo() {
        #expect(TwilioSignature(authToken: Self.token).sign(url: Self.url, parameters: Self.form) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    }

    @Test func agreesWithTheIndependentSigner() {
        let pairs = [("Body", "Héllo 👋 & <b>"), ("To", "+15550000000"), ("Body", "again"), ("A", "")]
        let form = FormParameters(pairs.map { FormParameters.Pair($0.0, $0.1) })
        let url = "https://switchboard.example.com/api/twilio/inbound?x=1"
        #expect(TwilioSignature(authToken: "t").sign(url: url, parameters: form) == IndependentSigner.sign(token: "t", url: url, pairs))
    }

    /// Whichever spelling of the URL a request was signed with, and in whatever order the
    /// spellings come, a valid signature is valid and a wrong one is refused.
    @Test func theSpellingThatMatchedLastIsTriedFirstWithoutChangingAnAnswer() {
        let signer = TwilioSignature(authToken: Self.token)
        let listenerURL = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
        for signedURL in [withPort, listenerURL, withPort, withPort, listenerURL] {
            let signature = signer.sign(url: signedURL, parameters: Self.form)
            #expect(signer.isValid(signature, url: listenerURL, parameters: Self.form))
            #expect(signer.isValid(" \(signature)\t", url: listenerURL, parameters: Self.form), "blanks around the header")
            // Well-formed base64 of a wrong MAC: every spelling is tried, none matches.
            let forged = TwilioSignature(authToken: "another token").sign(url: signedURL, parameters: Self.form)
            #expect(!signer.isValid(forged, url: listenerURL, parameters: Self.form))
        }
        #expect(!signer.isValid("\u{00A0}", url: listenerURL, parameters: Self.form))
        #expect(!signer.isValid("   ", url: listenerURL, parameters: Self.form))
    }

    @Test func parametersAreSortedByTheirBytes() {
        var random = SplitMix64(seed: 17)
        let pieces = ["a", "B", "b", "é", "e\u{301}", "Z", "", "👋", "\u{7F}", "~", "aa", "A b"]
        for _ in 0..<2_000 {
            let lhs = (0..<Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let rhs = (0..<Int(random.next() % 4)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(TwilioSignature.bytewisePrecedes(lhs, rhs) == lhs.utf8.lexicographicallyPrecedes(rhs.utf8), "\(lhs) \(rhs)")
        }
    }

    // MARK: - bodySHA256 (JSON bodies)

    @Test func acceptsBodyHashVectors() {
        let signer = TwilioSignature(authToken: Self.token)
        #expect(signer.isValid("a9nBmqA0ju/hNViExpshrM61xv4=", url: Self.url + "&bodySHA256=" + Self.bodyHash, body: Array(Self.body.utf8)))
        #expect(signer.isValid(
            "y77kIzt2vzLz71DgmJGsen2scGs=", url: "https://mycompany.com/myapp.php?bodySHA256=" + Self.bodyHash,
            body: Array(Self.body.utf8)))
    }

    @Test func refusesBodyWithoutOrWithWrongHash() {
        let signer = TwilioSignature(authToken: Self.token)
        #expect(!signer.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: Self.url, body: Array(Self.body.utf8)))
        #expect(!signer.isValid(
            "a9nBmqA0ju/hNViExpshrM61xv4=", url: Self.url + "&bodySHA256=" + Self.bodyHash.dropLast(),
            body: Array(Self.body.utf8)))
        #expect(!signer.isValid(
            "a9nBmqA0ju/hNViExpshrM61xv4=", url: Self.url + "&bodySHA256=" + Self.bodyHash, body: Array("{}".utf8)))
    }
}
