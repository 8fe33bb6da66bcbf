import Testing
@testable import EchemDrivers

@Suite("System libraries are wired")
struct SystemLibrariesTests {
    @Test("libmodbus 3.1.x is linked and a TCP context takes a response timeout")
    func modbus() {
        #expect(SystemLibraries.modbusVersion.hasPrefix("3.1."))
        #expect(SystemLibraries.modbusTCPContextWorks())
    }

    @Test("libudev enumerates the tty subsystem (console ttys exist even without udevd)")
    func udev() {
        let nodes = SystemLibraries.ttyDeviceNodes()
        #expect(nodes.allSatisfy { $0.hasPrefix("/dev/") })
    }
}
