import EchemCore
import Foundation

/// A step program compiled for a Neware tester (supervisor mode): the step table the BTS Client
/// runs, the map back to the program, and what the tester itself will not enforce.
///
/// ```swift
/// let file = try NewareStepFile.compile(program, options: .init(remark: "cell-42"))
/// try file.xml().write(toFile: "/srv/bts-share/steps/run-42.xml", atomically: true, encoding: .utf8)
/// try await client.startOne(BTSStart(channel: ch, barcode: "cell-42", stepFilePath: #"D:\steps\run-42.xml"#))
/// ```
public struct NewareStepFile: Sendable {
    public var table: NewareStepTable
    public var map: NewareStepMap
    /// Program rules the step file does not carry (e.g. a step-time safety limit): the supervisor
    /// must watch these itself. One sentence each.
    public var notes: [String]

    /// The step-file XML. Pass a fixed `date` and `guid` for byte-reproducible files.
    public func xml(date: Date = Date(), guid: String? = nil) -> String {
        NewareStepFileWriter.xml(table, date: date, guid: guid)
    }

    public struct Options: Sendable, Hashable {
        /// `Head_Info/Remark`, shown in BTS (the sample name).
        public var remark: String
        public var creator: String
        /// `MultCap` (Ah); default: the program's cell 1C.
        public var nominalCapacityAh: Double?
        /// The channel's range: a current beyond it is refused here rather than by the tester.
        public var maxAbsCurrent: Double?
        public var minVolts: Double?
        public var maxVolts: Double?

        public init(remark: String = "", creator: String = "echemd", nominalCapacityAh: Double? = nil,
                    maxAbsCurrent: Double? = nil, minVolts: Double? = nil, maxVolts: Double? = nil) {
            self.remark = remark
            self.creator = creator
            self.nominalCapacityAh = nominalCapacityAh
            self.maxAbsCurrent = maxAbsCurrent
            self.minVolts = minVolts
            self.maxVolts = maxVolts
        }
    }

    /// Largest number of editable steps BTS accepts (plus the End step).
    public static let maxSteps = 254

    /// Compiles a program, or throws every part that cannot be expressed, each located.
    public static func compile(_ program: StepProgram, options: Options = Options()) throws(NewareCompileError) -> NewareStepFile {
        var c = NewareStepCompiler(program: program, options: options)
        c.run()
        guard c.problems.isEmpty else { throw NewareCompileError(program: program.source, problems: c.problems) }
        let table = NewareStepTable(
            steps: c.steps, protection: c.wholeProtection, record: c.record, startStep: 1,
            nominalCapacityAh: options.nominalCapacityAh ?? program.cell?.oneCAmperes,
            creator: options.creator, remark: options.remark.isEmpty ? program.name : options.remark)
        return NewareStepFile(table: table, map: NewareStepMap(entries: c.entries, cycleDefinition: program.cycleDefinition,
                                                                labels: c.labels),
                              notes: c.notes)
    }
}
