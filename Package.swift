// swift-tools-version:6.0
// echemd: instrument-control daemon for battery cyclers and potentiostats.
// Dependencies point one way: Core <- Protocol, Sim, Store, Engine, Drivers <- executables.
import PackageDescription

let package = Package(
    name: "echemd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "echemctl", targets: ["echemctl"]),
        .executable(name: "echem-bench", targets: ["echem-bench"]),
        .executable(name: "echemd", targets: ["echemd"]),
        .executable(name: "echem-sim", targets: ["echem-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries, linked through pkg-config (Debian: libmodbus-dev, libudev-dev).
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus",
                       providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev",
                       providers: [.apt(["libudev-dev"])]),
        // zlib's raw inflate, for reading XLSX (zip) vendor exports (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "EchemCore"),
        .target(name: "EchemProtocol", dependencies: [
            "EchemCore", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "EchemSim", dependencies: ["EchemCore"],
                resources: [.copy("Resources/chemistries.json")]),
        .target(name: "EchemStore", dependencies: [
            "EchemCore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "EchemEngine", dependencies: ["EchemCore"]),
        .target(name: "EchemAnalysis", dependencies: ["EchemCore"]),
        // Vendor exports (Neware BTSDA CSV, LANDdt CSV/XLSX) into a run in the store.
        .target(name: "EchemImport", dependencies: ["EchemCore", "EchemStore", "CZlib"]),
        .target(name: "EchemDrivers", dependencies: ["EchemCore", "EchemTOML", "CModbus", "CUdev"]),
        // Simulators that speak real wire protocols over the cell model (a libmodbus server
        // publishing a device profile's register map).
        .target(name: "EchemWireSim", dependencies: ["EchemCore", "EchemSim", "EchemDrivers", "CModbus"]),
        .executableTarget(name: "echem-sim", dependencies: [
            "EchemWireSim", "EchemDrivers", "EchemSim", "EchemCore", "EchemProtocol",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // TOML with a source location on every key and value, so config and device-profile
        // mistakes get `FILE:LINE:COL` errors like protocol files do.
        .target(name: "EchemTOML"),
        // Linux plumbing with no domain knowledge: sd_notify, socket activation, UNIX line server
        // with peer credentials, inotify.
        .target(name: "EchemPlatform"),
        .target(name: "EchemDaemon", dependencies: [
            "EchemCore", "EchemProtocol", "EchemEngine", "EchemSim", "EchemStore", "EchemAnalysis",
            "EchemTOML", "EchemPlatform", "EchemDrivers",
        ]),
        .executableTarget(name: "echemd", dependencies: [
            "EchemDaemon", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "echemctl", dependencies: [
            "EchemCore", "EchemProtocol", "EchemEngine", "EchemSim", "EchemStore", "EchemAnalysis", "EchemImport",
            "EchemDaemon", "EchemPlatform",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "echem-bench", dependencies: [
            "EchemCore", "EchemProtocol", "EchemEngine", "EchemSim", "EchemStore", "EchemAnalysis", "EchemPlatform",
            "EchemDrivers", "EchemWireSim",
        ]),

        .testTarget(name: "EchemCoreTests", dependencies: ["EchemCore"]),
        .testTarget(name: "EchemProtocolTests", dependencies: ["EchemProtocol", "EchemCore"]),
        .testTarget(name: "EchemSimTests", dependencies: ["EchemSim", "EchemCore"]),
        .testTarget(name: "EchemStoreTests", dependencies: ["EchemStore", "EchemCore"]),
        .testTarget(name: "EchemEngineTests", dependencies: ["EchemEngine", "EchemCore"]),
        // Whole-stack tests: protocol files run on the simulator into a real store, and the CLI.
        .testTarget(name: "EndToEndTests", dependencies: [
            "EchemEngine", "EchemCore", "EchemSim", "EchemStore", "EchemProtocol", "EchemAnalysis",
        ]),
        .testTarget(name: "EchemDriversTests", dependencies: ["EchemDrivers", "EchemWireSim"]),
        // Test helpers shared by the test targets that start real processes (echem-sim, echemd).
        .target(name: "EchemTestSupport", path: "Tests/EchemTestSupport"),
        .testTarget(name: "EchemWireSimTests", dependencies: ["EchemWireSim", "EchemDrivers", "EchemSim", "EchemCore", "EchemTestSupport"]),
        .testTarget(name: "EchemTOMLTests", dependencies: ["EchemTOML", "EchemCore"]),
        .testTarget(name: "EchemPlatformTests", dependencies: ["EchemPlatform"]),
        .testTarget(name: "EchemDaemonTests", dependencies: [
            "EchemDaemon", "EchemCore", "EchemStore", "EchemPlatform", "EchemProtocol", "EchemDrivers", "EchemTestSupport",
        ]),
        .testTarget(name: "EchemNewareTests", dependencies: ["EchemDrivers", "EchemWireSim", "EchemSim", "EchemCore", "EchemProtocol"]),
        .testTarget(name: "EchemMethodSCRIPTTests", dependencies: ["EchemDrivers", "EchemWireSim", "EchemSim", "EchemCore"]),
        .testTarget(name: "EchemAnalysisTests", dependencies: [
            "EchemAnalysis", "EchemSim", "EchemCore", "EchemEngine", "EchemStore", "EchemProtocol",
        ]),
        .testTarget(name: "EchemImportTests", dependencies: ["EchemImport", "EchemStore", "EchemCore"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
