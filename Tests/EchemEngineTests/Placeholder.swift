import Testing
@testable import EchemEngine
