/// The one-character SI prefix that closes every MethodSCRIPT number, in data packages
/// (`7F85F3Fu`) and in script literals (`500m`). `i` marks an integer (factor 1).
public enum MethodSCRIPTPrefix: Character, Sendable, Hashable, CaseIterable {
    case atto = "a", femto = "f", pico = "p", nano = "n", micro = "u", milli = "m", none = " "
    case kilo = "k", mega = "M", giga = "G", tera = "T", peta = "P", exa = "E"
    case integer = "i"

    public var factor: Double {
        switch self {
        case .atto: 1e-18
        case .femto: 1e-15
        case .pico: 1e-12
        case .nano: 1e-9
        case .micro: 1e-6
        case .milli: 1e-3
        case .none, .integer: 1
        case .kilo: 1e3
        case .mega: 1e6
        case .giga: 1e9
        case .tera: 1e12
        case .peta: 1e15
        case .exa: 1e18
        }
    }

    /// The decimal prefixes from the finest to the coarsest (no `i`): a package value takes the
    /// first one that keeps it inside the 28-bit window, so it keeps the most resolution.
    public static let finestFirst: [MethodSCRIPTPrefix] = [
        .atto, .femto, .pico, .nano, .micro, .milli, .none, .kilo, .mega, .giga, .tera, .peta, .exa,
    ]

    /// The characters a reader accepts, for error messages.
    public static var validCharacters: String { "a f p n u m ' ' k M G T P E i" }
}
