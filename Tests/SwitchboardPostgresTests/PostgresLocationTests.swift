import SwitchboardPostgres
import SwitchboardStore
import Testing

/// `--db postgres://…` parsing: both of libpq's forms, and a password never shown.
@Suite struct PostgresLocationTests {
    @Test func tcpURLWithPortAndPassword() throws {
        let location = try PostgresLocation(url: "postgres://shop:s3cret@db.example.com:6543/harbor", environment: [:])
        #expect(location.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(location.user == "shop")
        #expect(location.password == "s3cret")
        #expect(location.database == "harbor")
        #expect(location.description == "postgres://shop@db.example.com:6543/harbor")
        #expect(!"\(location)".contains("s3cret"))
    }

    @Test func unixSocketFormTakesTheFolderAndPort() throws {
        let location = try PostgresLocation(url: "postgres://shop@/harbor?host=/tmp/pg%20sock&port=18350", environment: [:])
        #expect(location.endpoint == .unixSocket(directory: "/tmp/pg sock", port: 18350))
        #expect(location.endpoint.socketPath == "/tmp/pg sock/.s.PGSQL.18350")
        #expect(location.password == nil)
        let defaultPort = try PostgresLocation(url: "postgresql://shop@/harbor?host=/run/postgresql", environment: [:])
        #expect(defaultPort.endpoint.socketPath == "/run/postgresql/.s.PGSQL.5432")
    }

    @Test func pgpasswordIsReadWhenTheURLHasNone() throws {
        let location = try PostgresLocation(url: "postgres://shop@localhost/harbor", environment: ["PGPASSWORD": "fromenv"])
        #expect(location.password == "fromenv")
        #expect(location.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(!location.description.contains("fromenv"))
        let urlWins = try PostgresLocation(url: "postgres://shop:inurl@localhost/harbor", environment: ["PGPASSWORD": "fromenv"])
        #expect(urlWins.password == "inurl")
    }

    @Test func mistakesSayWhatToWriteAndHideThePassword() {
        for (url, expected) in [
            ("postgres://localhost/harbor", "names no user"),
            ("postgres://shop:hunter2@localhost", "names no database"),
            ("postgres://shop:hunter2@localhost/harbor?port=99999", "is not a port number"),
            ("mysql://shop@localhost/harbor", "is not a PostgreSQL URL"),
        ] {
            do {
                _ = try PostgresLocation(url: url, environment: [:])
                Issue.record("\(url) was accepted")
            } catch let error as StoreError {
                #expect(error.message.contains(expected), "\(error.message)")
                #expect(!error.message.contains("hunter2"), "\(error.message)")
                #expect(expected == "is not a port number" || error.message.contains("postgres://USER"), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
