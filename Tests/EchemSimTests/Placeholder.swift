import Testing
@testable import EchemSim
