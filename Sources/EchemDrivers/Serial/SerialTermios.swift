#if canImport(Glibc)
import Glibc
#endif

/// The termios a port runs with: raw mode as `cfmakeraw` sets it, plus the framing, and with
/// everything that would alter bytes turned off. Binary protocols (Modbus RTU) carry 0x00, 0x0D,
/// 0x11 and 0x13 as data, and line protocols (MethodSCRIPT) want their `\n` untranslated.
enum SerialTermios {
    static func configure(_ t: inout termios, settings: SerialSettings, speed: speed_t) {
        // Input: no break or parity marking, no stripping to 7 bits, no CR/NL translation, no
        // software flow control (XON/XOFF would swallow 0x11/0x13).
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF | IXANY | INPCK)
        // Output: no post-processing (no NL -> CR NL).
        t.c_oflag &= ~tcflag_t(OPOST)
        // Local: not canonical (no line editing), no echo, no signals from ^C/^Z, no extensions.
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ECHOE | ECHOK | ICANON | ISIG | IEXTEN)
        // Control: framing from the settings; CLOCAL so a port without carrier detect (every
        // USB adapter) does not block or hang up; CREAD to receive; no RTS/CTS.
        t.c_cflag &= ~(tcflag_t(CSIZE | PARENB | PARODD | CSTOPB) | CRTSCTS)
        t.c_cflag |= tcflag_t(CLOCAL | CREAD) | tcflag_t(settings.dataBits == 7 ? CS7 : CS8)
        switch settings.parity {
        case .none: break
        case .even: t.c_cflag |= tcflag_t(PARENB)
        case .odd: t.c_cflag |= tcflag_t(PARENB | PARODD)
        }
        // Check parity on input; a byte that fails arrives as 0x00 and the protocol's own check
        // (CRC, reply format) rejects the frame.
        if settings.parity != .none { t.c_iflag |= tcflag_t(INPCK) }
        if settings.stopBits == 2 { t.c_cflag |= tcflag_t(CSTOPB) }
        // read() returns at once with what is there; waiting is done with poll() and a deadline.
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)
    }

    /// What differs between the settings asked for and those the driver reports back
    /// (`tcsetattr` succeeds if it applied *any* of them), or nil.
    static func mismatch(asked: termios, got: termios) -> String? {
        let framing = tcflag_t(CSIZE | PARENB | PARODD | CSTOPB)
        let speeds = withUnsafePointer(to: asked) { a in withUnsafePointer(to: got) { g in (cfgetospeed(a), cfgetospeed(g)) } }
        if speeds.0 != speeds.1 { return "baud rate" }
        if asked.c_cflag & framing != got.c_cflag & framing { return "data bits, parity or stop bits" }
        if got.c_lflag & tcflag_t(ICANON | ECHO) != 0 { return "raw mode" }
        return nil
    }
}

