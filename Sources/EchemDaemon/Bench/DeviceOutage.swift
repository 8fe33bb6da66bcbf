/// A hardware channel's device went away mid-run, or came back. The channel waits with its output
/// off; the scheduler shows the wait as a pause of the job (with this reason) so an operator sees it.
public enum DeviceOutage: Sendable, Hashable {
    case lost(String)
    case back(String)
}

/// A channel that can lose its device and wait for it (hardware drivers).
protocol DeviceOutageReporting: AnyObject {
    /// Set before the run starts; called from the run's task.
    func onOutage(_ handler: @escaping @Sendable (DeviceOutage) -> Void)
}
