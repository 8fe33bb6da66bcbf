import EchemCore

extension SimulatedChannel {
    /// How channel time relates to wall time.
    public enum Clock: Sendable, Hashable, Codable {
        /// `nextReading()` returns at once; channel time advances by the sample period.
        case accelerated
        /// `nextReading()` sleeps period/speed of wall time (speed 1 = real time).
        case realTime(speed: Double)
    }

    /// Gaussian measurement noise on what the channel reports (the cell itself is noiseless).
    public struct Noise: Sendable, Hashable, Codable {
        public var voltsSigma: Double
        public var amperesSigma: Double
        /// Relative σ of Z′ and Z″ (× |Z|) for one integration cycle; scales as 1/√N_int.
        public var impedanceRelativeSigma: Double
        public var seed: UInt64

        public init(voltsSigma: Double = 0, amperesSigma: Double = 0, impedanceRelativeSigma: Double = 0,
                    seed: UInt64 = 0x5EED) {
            self.voltsSigma = voltsSigma
            self.amperesSigma = amperesSigma
            self.impedanceRelativeSigma = impedanceRelativeSigma
            self.seed = seed
        }

        public static let none = Noise()
        /// A good 24-bit cycler/potentiostat: 0.1 mV, 0.05 % of a 1 mA range, 0.5 % on Z.
        public static func typical(seed: UInt64 = 0x5EED) -> Noise {
            Noise(voltsSigma: 1e-4, amperesSigma: 5e-7, impedanceRelativeSigma: 5e-3, seed: seed)
        }
    }

    /// Which kind of instrument the channel pretends to be.
    public enum Instrument: Sendable, Hashable, Codable {
        /// A coin-cell cycler channel (Neware/LAND class): ±5 V, ±50 mA, no EIS or sweeps.
        case cycler
        /// A potentiostat/galvanostat with FRA (Autolab/BioLogic class): ±10 V, ±400 mA, sweeps, EIS
        /// 10 µHz – 1 MHz.
        case potentiostat
        case custom(ChannelCapabilities)

        public func capabilities(chamber: Bool) -> ChannelCapabilities {
            var common: Set<ControlKind> = [.rest, .current, .voltage, .cccv, .power, .resistance, .operatorPause]
            if chamber { common.insert(.temperature) }
            switch self {
            case .cycler:
                return ChannelCapabilities(modes: common, minVolts: -5, maxVolts: 5, maxAbsCurrent: 0.05,
                                           maxAbsPower: 0.25, minSamplePeriod: 0.1, eis: false, chamber: chamber)
            case .potentiostat:
                return ChannelCapabilities(modes: common.union([.sweep, .eis]), minVolts: -10, maxVolts: 10,
                                           maxAbsCurrent: 0.4, maxAbsPower: 4, minSamplePeriod: 0.001,
                                           eis: true, chamber: chamber, minHz: 1e-5, maxHz: 1e6)
            case .custom(var caps):
                caps.chamber = chamber
                if chamber { caps.modes.insert(.temperature) }
                return caps
            }
        }
    }

    public struct Config: Sendable, Hashable, Codable {
        public var parameters: ChemistryParameters
        /// Cell capacity Q₀ (Ah).
        public var capacityAh: Double
        /// nil = the set's default.
        public var initialSOC: Double?
        /// Channel time between readings (s).
        public var samplePeriod: Double
        public var clock: Clock
        public var noise: Noise
        public var ambientCelsius: Double
        /// Whether a temperature chamber is attached (`setChamberTemperature` works).
        public var chamber: Bool
        /// First-order time constant of the cell temperature following the chamber (s).
        public var chamberTimeConstant: Double
        public var instrument: Instrument

        public init(parameters: ChemistryParameters, capacityAh: Double, initialSOC: Double? = nil,
                    samplePeriod: Double = 1, clock: Clock = .accelerated, noise: Noise = .none,
                    ambientCelsius: Double = 25, chamber: Bool = false, chamberTimeConstant: Double = 600,
                    instrument: Instrument = .cycler) {
            self.parameters = parameters
            self.capacityAh = capacityAh
            self.initialSOC = initialSOC
            self.samplePeriod = samplePeriod
            self.clock = clock
            self.noise = noise
            self.ambientCelsius = ambientCelsius
            self.chamber = chamber
            self.chamberTimeConstant = chamberTimeConstant
            self.instrument = instrument
        }

        /// A shipped set by name, sized by the amount on its mass basis (g, or cm² for `area_cm2`).
        public init(chemistry name: String, amountOnBasis: Double, initialSOC: Double? = nil,
                    samplePeriod: Double = 1, clock: Clock = .accelerated, noise: Noise = .none,
                    ambientCelsius: Double = 25, chamber: Bool = false, instrument: Instrument = .cycler) throws {
            let p = try ChemistryLibrary.named(name)
            self.init(parameters: p, capacityAh: p.specificCapacityAh * amountOnBasis, initialSOC: initialSOC,
                      samplePeriod: samplePeriod, clock: clock, noise: noise, ambientCelsius: ambientCelsius,
                      chamber: chamber, instrument: instrument)
        }
    }

    /// Everything needed to resume on the same cell after a crash: Codable, written by the engine.
    public struct Snapshot: Sendable, Hashable, Codable {
        public var config: Config
        public var cell: CellModel
        public var setpoint: Setpoint
        public var sweep: SweepRunner?
        public var chamberSetpoint: Double?
        public var noise: NoiseSource
    }

    /// What tests look at: the cell and the channel's view of it.
    public struct Status: Sendable {
        public var time: Double
        public var cell: CellModel
        public var setpoint: Setpoint
        public var sweep: SweepRunner?
        public var chamberSetpoint: Double?
        public var lastReading: ChannelReading?
    }
}

extension CellModel: Hashable {
    public static func == (a: CellModel, b: CellModel) -> Bool {
        a.parameters == b.parameters && a.capacityAh == b.capacityAh && a.state == b.state
    }
    public func hash(into h: inout Hasher) {
        h.combine(parameters)
        h.combine(capacityAh)
        h.combine(state)
    }
}
