import Testing
@testable import EchemCore
