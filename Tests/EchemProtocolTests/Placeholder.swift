import Testing
@testable import EchemProtocol
