import EchemCore
import EchemDrivers
import EchemEngine
import EchemStore
import Foundation

/// Reaching the tester, starting a test on it, and finding it again after a crash.
extension NewareSupervisor {
    /// The channel's address from the BTS Client. Re-attaching, an unreachable client is waited
    /// for (the tester runs on and keeps its rows); a new start fails at once with the reason.
    /// nil: the daemon is shutting down.
    func reachTester(reattaching: Bool) async throws -> BTSChannelAddress? {
        var told = false
        while true {
            do {
                return try await driver.address()
            } catch let error as BTSError where reattaching {
                if !told {
                    told = true
                    log("job \(job.id.uuidString.prefix(8)): BTS Client not answering (\(error)); re-attaching when it does")
                }
                await waitForPoll()
                if requests.withLock({ $0.interrupt != nil }) { return nil }
            }
        }
    }

    /// After a crash between asking for the start and storing the test id: the channel's latest
    /// test is ours if it is newer than the one before the start; otherwise nothing was started.
    func adoptStartedTest(_ saved: State, address: BTSChannelAddress) async throws -> Int {
        let latest = try await driver.client.download(address, startSeqid: 1, count: 0).testID
        guard latest != saved.previousTestID, latest != 0 else {
            throw ChannelError.fault("the daemon stopped before the tester started the test (channel \(saved.pipeline) still shows test \(latest)); nothing ran")
        }
        return latest
    }

    /// Largest number of rows downloaded and committed as one batch.
    static let rowsPerCommit = 10_000

    func startTest(_ file: NewareStepFile, address: BTSChannelAddress) async throws -> State {
        let ref = driver.ref
        let status = try await driver.client.channelStatus([address]).first?.status
        if let status, !status.acceptsStart {
            throw ChannelError.fault("Neware channel \(ref.pipeline) is \(status) (a test is running there); it accepts a start only when finished, stopped or protected")
        }
        let before = try? await driver.client.download(address, startSeqid: 1, count: 0).testID
        let name = "echemd-\(run.id.uuidString.lowercased().prefix(8)).xml"
        let local = (ref.stepFolder as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: ref.stepFolder, withIntermediateDirectories: true)
            try file.xml().write(toFile: local, atomically: true, encoding: .utf8)
        } catch {
            throw ChannelError.fault("cannot write the step file \(local) (step_folder of channel \(channelID)): \(error.localizedDescription)")
        }
        let remote = ref.remotePath(name)
        // The run and a state without a test id are stored before the start is sent, so a crash in
        // between leaves a run that the next start can match to the tester's new test.
        try await store.begin(run)
        var state = State(pipeline: ref.pipeline, testID: nil, previousTestID: before, stepFile: remote,
                          mapper: NewareRowMapper.State())
        try await commit(MappedBatch(), state: state, events: [])
        try await driver.client.startOne(BTSStart(channel: address, barcode: job.name, stepFilePath: remote, remark: run.protocolName))
        let testID = try await driver.client.download(address, startSeqid: 1, count: 0).testID
        if let before, before == testID {
            throw ChannelError.fault("the BTS Client accepted the start on \(ref.pipeline) but reports no new test (still test \(testID))")
        }
        state.testID = testID
        try await commit(MappedBatch(), state: state, events: [RunEvent(
            testTime: 0, kind: "supervisor",
            message: "started test \(testID) on Neware channel \(ref.pipeline) with step file \(remote) (\(file.table.steps.count) steps)")])
        return state
    }
}
