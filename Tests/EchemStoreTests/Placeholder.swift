import Testing
@testable import EchemStore
