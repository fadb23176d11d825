/** A small "name: count" table (errors by code, refusals by reason), largest first. */
export function CountsTable(props: {
  caption: string;
  keyHeader: string;
  total: Readonly<Record<string, number>>;
  recent: Readonly<Record<string, number>>;
  recentHeader: string;
  testId: string;
}) {
  const keys = Object.keys(props.total).sort(
    (a, b) => (props.total[b] ?? 0) - (props.total[a] ?? 0),
  );
  return (
    <table data-testid={props.testId}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.keyHeader}</th>
          <th scope="col">{props.recentHeader}</th>
          <th scope="col">since start</th>
        </tr>
      </thead>
      <tbody>
        {keys.length === 0 ? (
          <tr>
            <td colSpan={3} class="muted">
              none
            </td>
          </tr>
        ) : (
          keys.map((k) => (
            <tr key={k}>
              <th scope="row">
                <code>{k}</code>
              </th>
              <td>{props.recent[k] ?? 0}</td>
              <td>{props.total[k]}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
