/// Runs one transaction on the owner thread with our recovery policy:
///
/// - timeout or corrupt reply: flush the line (TCP: reconnect), back off, retry;
/// - lost link (reset, broken pipe, device gone): drop the connection, back off, reconnect, retry;
/// - Modbus exception: the device's answer; report it at once, never retry;
/// - a write to unit 0 (broadcast) expects no reply: its timeout is success, and it is sent once.
struct ModbusTransactionRunner: Sendable {
    let configuration: ModbusBusConfiguration
    let counters: ModbusCounters
    let events: (@Sendable (ModbusBusEvent) -> Void)?

    func run(_ request: ModbusRequest, on connection: ModbusConnection) -> Result<ModbusResponse, ModbusError> {
        counters.update { $0.transactions += 1 }
        let result = attempt(request, on: connection)
        switch result {
        case .success: counters.update { $0.succeeded += 1 }
        case .failure(let e):
            counters.update { $0.failed += 1 }
            events?(.gaveUp(e))
        }
        return result
    }

    private func attempt(_ request: ModbusRequest, on connection: ModbusConnection) -> Result<ModbusResponse, ModbusError> {
        let policy = configuration.retry
        let silentBroadcast = request.isBroadcast && !configuration.unitZeroReplies
        var tries = 0
        while true {
            tries += 1
            let failure: (ModbusFailure, String)
            let opensBefore = connection.opens
            if let reason = connection.connect() {
                failure = (.link(reason), reason)
            } else {
                if connection.opens > opensBefore && connection.opens > 1 {
                    counters.update { $0.reconnects += 1 }
                    events?(.reconnected(endpoint: configuration.endpoint.description))
                }
                connection.waitForQuietLine()
                counters.update { $0.attempts += 1 }
                switch connection.execute(request) {
                case .success(let response):
                    return .success(response)
                case .failure(let call):
                    let kind = ModbusFailure(errno: call.code)
                    if silentBroadcast && kind == .timeout { return .success(.written) }
                    failure = (kind, ModbusFailure.message(call.code))
                }
            }
            switch failure.0 {
            case .exception(let e):
                counters.update { $0.exceptions += 1 }
                return .failure(.exception(e, request.summary))
            case .other(let code, let why):
                return .failure(.failed(request.summary, errno: code, reason: why))
            case .timeout:
                counters.update { $0.timeouts += 1 }
                discardLateReply(connection)
            case .corrupt:
                counters.update { $0.corruptReplies += 1 }
                discardLateReply(connection)
            case .link:
                connection.disconnect()
            }
            // A broadcast cannot be confirmed, so repeating it could act twice: send it once.
            if tries > policy.retries || silentBroadcast {
                return .failure(finalError(failure.0, failure.1, request, tries))
            }
            let wait = policy.backoff(beforeRetry: tries)
            counters.update { $0.retries += 1 }
            events?(.retrying(request.summary, attempt: tries, reason: failure.1, backoff: wait))
            OwnerThreadSleep.sleep(wait)
        }
    }

    /// After a timeout or a bad reply the device's answer may still be on its way. On a serial
    /// line `modbus_flush` drops what has arrived, and a later straggler fails its CRC or unit
    /// check and is retried. Over TCP libmodbus rejects a reply with another transaction id
    /// instead of skipping it, so one late reply would spoil every retry on that connection:
    /// the retry goes out on a fresh connection instead.
    private func discardLateReply(_ connection: ModbusConnection) {
        if configuration.endpoint.isRTU {
            connection.flush()
        } else {
            connection.disconnect()
        }
    }

    private func finalError(_ kind: ModbusFailure, _ why: String, _ request: ModbusRequest, _ tries: Int) -> ModbusError {
        switch kind {
        case .timeout: .timeout(request.summary, attempts: tries)
        case .corrupt: .corruptReply(request.summary, attempts: tries, reason: why)
        case .link: .disconnected(endpoint: configuration.endpoint.description, attempts: tries, reason: why)
        case .exception(let e): .exception(e, request.summary)
        case .other(let code, _): .failed(request.summary, errno: code, reason: why)
        }
    }
}
