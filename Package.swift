// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        /// The only C in the project: ncursesw, linked by name (SwiftPM drops pkg-config flags).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),

        /// Domain values and rules, no I/O.
        .target(name: "SwitchboardCore"),

        /// GRDB: the database, its migrations, records, queries and writes.
        .target(
            name: "SwitchboardStore",
            dependencies: [
                "SwitchboardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                /// SQLite's C API, for the ingest floor benchmark's replay (IngestFloor).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// PostgreSQL: the same store over postgres-nio (connection, migrations, LISTEN/NOTIFY,
        /// row-level security). The only target that knows PostgreSQL's SQL.
        .target(
            name: "SwitchboardPostgres",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// Twilio: signature, form parsing, TwiML, the listener's routes, outbound senders.
        .target(
            name: "SwitchboardWebhook",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// The console: state, actions, layout, render-to-grid, and the thin curses backend.
        .target(
            name: "SwitchboardConsole",
            dependencies: [
                "CNcursesw",
                "SwitchboardCore",
                "SwitchboardStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// Benchmarks: the webhook load generator and frame timing (the large-database
        /// generator is the store's). No GRDB: the store is reached by its intents only.
        .target(
            name: "SwitchboardBench",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                "SwitchboardWebhook",
                "SwitchboardConsole",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// The command line: wires the services together (`buildServices`). No GRDB.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                "SwitchboardWebhook",
                "SwitchboardConsole",
                "SwitchboardBench",
                "SwitchboardPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        .testTarget(name: "SwitchboardCoreTests", dependencies: ["SwitchboardCore"]),
        .testTarget(
            name: "SwitchboardStoreTests",
            dependencies: ["SwitchboardCore", "SwitchboardStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "SwitchboardWebhookTests",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                "SwitchboardWebhook",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SwitchboardConsoleTests",
            dependencies: [
                "SwitchboardCore", "SwitchboardStore", "SwitchboardConsole", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "SwitchboardPostgresTests",
            dependencies: [
                "SwitchboardCore", "SwitchboardStore", "SwitchboardPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                /// To compare PostgreSQL's schema with SQLite's, table by table.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["SwitchboardCore", "SwitchboardStore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
