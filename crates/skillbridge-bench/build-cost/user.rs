//! Build-cost scenario, the user's crate: what the README's user writes first (a Kombo client,
//! one page of skill expectations). Built by `bench-report --only build-cost`, never run.

use futures::TryStreamExt;
use skillbridge::kombo::Kombo;

#[tokio::main]
async fn main() -> Result<(), skillbridge::Error> {
    let kombo = Kombo::from_env()?;
    let hris = kombo.integration("workday:HWUTwvyx2wLoSUHphiWVrp28")?;
    let mut pages = hris.staffing_entity_skills().page_size(250).pages();
    if let Some(page) = pages.try_next().await? {
        for skill in &page.results {
            println!("{} expects {} (changed {})", skill.staffing_entity_id, skill.skill_id, skill.changed_at);
        }
    }
    Ok(())
}
