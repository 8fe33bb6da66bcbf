import Testing
@testable import EchemAnalysis
