import Testing
@testable import EchemDrivers
